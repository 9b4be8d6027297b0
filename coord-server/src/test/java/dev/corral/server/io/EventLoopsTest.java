package dev.corral.server.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.channel.epoll.Epoll;
import org.junit.jupiter.api.Test;

class EventLoopsTest {
    /** On the platform Corral ships for, a packaging slip that loses the native library must not pass unseen. */
    @Test
    void linuxOnX86UsesTheNativeEpollTransport() {
        assumeTrue(System.getProperty("os.name").startsWith("Linux")
                && System.getProperty("os.arch").matches("amd64|x86_64"));
        assumeTrue(!"false".equals(System.getProperty("corral.netty.epoll")));
        assertThat(Epoll.isAvailable()).as(String.valueOf(Epoll.unavailabilityCause())).isTrue();
        assertThat(EventLoops.transport()).isEqualTo("epoll");
        assertThat(EventLoops.socketChannel().getSimpleName()).isEqualTo("EpollSocketChannel");
    }
}
