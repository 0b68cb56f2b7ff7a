package org.xmtpj.client;

/** The user's decision about a peer, as recorded on their private preferences topic. */
public enum ConsentState { ALLOWED, DENIED, UNKNOWN }
