package dev.corral.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FreePortsTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    @Test
    void aHandedOutPortStaysTakenForAnythingButAServerThatReusesAddresses() throws Exception {
        int port = FreePorts.next();
        try (ServerSocket strict = new ServerSocket()) {
            strict.setReuseAddress(false);
            assertThatThrownBy(() -> strict.bind(new InetSocketAddress(LOOPBACK, port))).isInstanceOf(BindException.class);
        }
        for (int round = 0; round < 2; round++) { // a server restarting on its port binds it again
            try (ServerSocket server = new ServerSocket()) {
                server.setReuseAddress(true);
                server.bind(new InetSocketAddress(LOOPBACK, port));
                try (Socket client = new Socket(LOOPBACK, port); Socket accepted = server.accept()) {
                    client.getOutputStream().write(42);
                    assertThat(accepted.getInputStream().read()).isEqualTo(42);
                }
            }
        }
    }

    @Test
    void noPortIsHandedOutTwice() {
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            assertThat(seen.add(FreePorts.next())).isTrue();
        }
    }
}
