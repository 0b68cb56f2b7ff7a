package org.xmtpj.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class AesGcmTest {
  private final byte[] key = Sha256.hash("key".getBytes(StandardCharsets.UTF_8));
  private final byte[] nonce = new byte[12];
  private final byte[] plaintext = "hello xmtp".getBytes(StandardCharsets.UTF_8);
  private final byte[] aad = "header".getBytes(StandardCharsets.UTF_8);

  @Test
  void shouldRoundTripWithAndWithoutAad() {
    byte[] sealed = AesGcm.encrypt(key, nonce, plaintext, aad);
    assertThat(sealed).hasSize(plaintext.length + AesGcm.TAG_LENGTH);
    assertThat(AesGcm.decrypt(key, nonce, sealed, aad)).isEqualTo(plaintext);
    assertThat(AesGcm.decrypt(key, nonce, AesGcm.encrypt(key, nonce, plaintext, null), null)).isEqualTo(plaintext);
  }

  @Test
  void shouldDetectTamperedCiphertextTagAadAndKey() {
    byte[] sealed = AesGcm.encrypt(key, nonce, plaintext, aad);
    for (int i = 0; i < sealed.length; i++) {
      byte[] tampered = sealed.clone();
      tampered[i] ^= 1;
      assertThatThrownBy(() -> AesGcm.decrypt(key, nonce, tampered, aad))
          .isInstanceOf(CryptoException.class)
          .hasMessageContaining("authentication failed");
    }
    assertThatThrownBy(() -> AesGcm.decrypt(key, nonce, sealed, "other".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(CryptoException.class);
    byte[] otherKey = key.clone();
    otherKey[0] ^= 1;
    assertThatThrownBy(() -> AesGcm.decrypt(otherKey, nonce, sealed, aad)).isInstanceOf(CryptoException.class);
  }

  @Test
  void shouldRejectWrongKeyNonceAndTooShortCiphertext() {
    assertThatThrownBy(() -> AesGcm.encrypt(new byte[16], nonce, plaintext, null))
        .isInstanceOf(CryptoException.class).hasMessageContaining("32 bytes");
    assertThatThrownBy(() -> AesGcm.encrypt(key, new byte[16], plaintext, null))
        .isInstanceOf(CryptoException.class).hasMessageContaining("12 bytes");
    assertThatThrownBy(() -> AesGcm.decrypt(key, nonce, new byte[15], null))
        .isInstanceOf(CryptoException.class).hasMessageContaining("tag");
  }
}
