package dev.corral.faults.check;

/** A checker's answer. UNKNOWN is neither a pass nor a finding: the checker ran out of budget or lacked the data. */
public enum Verdict { VALID, INVALID, UNKNOWN }
