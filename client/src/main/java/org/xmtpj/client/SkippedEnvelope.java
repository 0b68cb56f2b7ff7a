package org.xmtpj.client;

/**
 * An envelope that was read but not returned because it failed to decode, decrypt or verify.
 *
 * @param topic where it was found
 * @param timestampNs its envelope timestamp
 * @param reason why it was skipped, e.g. "decryption failed (wrong key or tampered data)"
 */
public record SkippedEnvelope(String topic, long timestampNs, String reason) {}
