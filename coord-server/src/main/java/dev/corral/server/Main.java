package dev.corral.server;

/** Entry point of a Corral server process. */
public final class Main {
    public static void main(String[] args) {
        System.out.println("corral");
    }
}
