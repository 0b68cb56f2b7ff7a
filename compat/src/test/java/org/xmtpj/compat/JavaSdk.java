package org.xmtpj.compat;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import org.xmtpj.client.Signer;
import org.xmtpj.client.XmtpClient;
import org.xmtpj.client.XmtpStream;
import org.xmtpj.crypto.Ethereum;
import org.xmtpj.crypto.Secp256k1;

/** The Java SDK side of the interop tests: wallets shared with xmtp-js, clients, and stream reads that fail clearly. */
final class JavaSdk {
    static final Duration STREAM_TIMEOUT = Duration.ofSeconds(20);
    private static final SecureRandom RANDOM = new SecureRandom();

    private JavaSdk() {}

    /** A fresh wallet key as 0x-hex, the form xmtp-js's driver takes: the same wallet can be used by both SDKs. */
    static String newWalletKey() {
        return JsDriverIT.randomWalletKey();
    }

    static Signer signer(String walletKeyHex) {
        return Signer.privateKey(HexFormat.of().parseHex(walletKeyHex.substring(2)));
    }

    /** Loads the wallet's identity from the node, or creates and stores one. */
    static XmtpClient client(String walletKeyHex, String nodeUrl) {
        return XmtpClient.builder(signer(walletKeyHex)).node(nodeUrl).build();
    }

    /** The EIP-55 address of a wallet that never touched the network. */
    static String strangerAddress() {
        return Ethereum.address(Secp256k1.publicKeyUncompressed(Secp256k1.generatePrivateKey(RANDOM)));
    }

    /** Lowercase hex without 0x, as the driver reports keys. */
    static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }

    /** The next item of a stream, failing (with what the stream skipped) if none comes within 20 s. */
    static <T> T next(XmtpStream<T> stream) throws InterruptedException {
        T item = stream.poll(STREAM_TIMEOUT);
        assertThat(item).as("an item within %s; skipped envelopes: %s; reconnects: %d", STREAM_TIMEOUT,
                stream.drainSkipped(), stream.reconnects()).isNotNull();
        return item;
    }

    /** The milliseconds of a nanosecond time: xmtp-js exposes message times as Dates, so only these compare. */
    static long millis(long ns) {
        return Math.floorDiv(ns, 1_000_000L);
    }

    static long millis(String decimalNs) {
        return millis(Long.parseLong(decimalNs));
    }
}
