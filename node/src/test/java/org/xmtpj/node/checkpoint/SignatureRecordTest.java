package org.xmtpj.node.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xmtpj.chain.checkpoint.SignedCheckpoint;

class SignatureRecordTest {
  @TempDir
  Path dir;

  private static byte[] filled(int n, int b) {
    byte[] x = new byte[n];
    Arrays.fill(x, (byte) b);
    return x;
  }

  @Test
  void shouldRoundTripASignatureAndIgnoreAnythingElseOnTheTopic() {
    byte[] sig = filled(65, 7);
    sig[64] = 27;
    SignedCheckpoint s = new SignedCheckpoint(4, 99, filled(32, 1), filled(32, 2), sig);

    byte[] bytes = SignatureRecord.encode(s);

    assertThat(SignatureRecord.decode(bytes)).contains(s);
    assertThat(SignatureRecord.decode(Arrays.copyOf(bytes, bytes.length - 1))).isEmpty();
    assertThat(SignatureRecord.decode("hello".getBytes())).isEmpty();
    byte[] otherTag = bytes.clone();
    otherTag[0] ^= 1;
    assertThat(SignatureRecord.decode(otherTag)).isEmpty();
  }

  @Test
  void shouldRememberWhatWasSignedAcrossRestarts() {
    Path file = dir.resolve("checkpoints/signed.log");
    SignedLog log = new SignedLog(file);
    assertThat(log.signed(5)).isEmpty();

    log.record(5, filled(32, 1), filled(32, 2));
    log.record(6, filled(32, 3), filled(32, 4));

    SignedLog reopened = new SignedLog(file);
    assertThat(reopened.signed(5).orElseThrow().root()).isEqualTo(filled(32, 2));
    assertThat(reopened.signed(6).orElseThrow().cutHash()).isEqualTo(filled(32, 3));
    assertThat(reopened.signed(7)).isEmpty();
  }
}
