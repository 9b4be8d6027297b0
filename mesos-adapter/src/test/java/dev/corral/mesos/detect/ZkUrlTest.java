package dev.corral.mesos.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class ZkUrlTest {

    @Test
    void parsesCredentialsServersAndPathLikeLibmesos() {
        ZkUrl url = ZkUrl.parse("zk://user:pass@h1:2181,h2:2181,h3:2181/mesos");
        assertThat(url.credentials()).contains("user:pass");
        assertThat(url.servers()).isEqualTo("h1:2181,h2:2181,h3:2181");
        assertThat(url.path()).isEqualTo("/mesos");
    }

    @Test
    void pathStartsAtTheFirstSlashAndCredentialsEndAtTheLastAt() {
        // libmesos peels '/' segments from the right until none is left, so the path keeps every segment.
        ZkUrl url = ZkUrl.parse("  zk://a@b:p@w@h1,h2/deep/er/mesos/  ");
        assertThat(url.credentials()).contains("a@b:p@w");
        assertThat(url.servers()).isEqualTo("h1,h2");
        assertThat(url.path()).isEqualTo("/deep/er/mesos/");
        assertThat(url.znode()).isEqualTo("/deep/er/mesos");
    }

    @Test
    void noPathMeansRootAndNoCredentialsMeansNone() {
        ZkUrl url = ZkUrl.parse("zk://127.0.0.1:2181");
        assertThat(url.credentials()).isEqualTo(Optional.empty());
        assertThat(url.path()).isEqualTo("/");
    }

    @Test
    void rejectsOtherSchemesAndHidesThePassword() {
        assertThatThrownBy(() -> ZkUrl.parse("http://h1/mesos")).isInstanceOf(IllegalArgumentException.class);
        assertThat(ZkUrl.parse("zk://user:secret@h1/mesos").toString()).doesNotContain("secret").contains("user");
    }
}
