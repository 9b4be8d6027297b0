/**
 * The checkers that judge recorded histories, one per workload of the campaign's vocabulary:
 * {@code Checkers.forWorkload(name).check(history)} gives a {@link dev.corral.faults.check.Result} whose verdict is
 * valid, invalid (with anomalies naming event indexes) or unknown (a budget ran out, or a final read is missing; the
 * note says which), with {@code summary()} for a report line and {@code toJson()} for the run report.
 *
 * <p>Give a checker the history of its own workload: functions such as "write" and "read" mean different things in
 * different workloads. Events of other functions (a nemesis's) are ignored whatever their shape. Real-time order is
 * the order of event indexes.
 */
package dev.corral.faults.check;
