package org.xmtpj.node.replication.grpc;

import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Self-signed P-256 certificates for 127.0.0.1 / localhost, written as PEM (certificate, PKCS#8 key). */
final class TestCerts {
  record Pem(Path cert, Path key) {}

  private TestCerts() {}

  static Pem selfSigned(Path dir, String name) throws Exception {
    KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
    gen.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair pair = gen.generateKeyPair();
    Instant now = Instant.now();
    X500Name subject = new X500Name("CN=" + name);
    var builder = new JcaX509v3CertificateBuilder(subject, BigInteger.valueOf(now.toEpochMilli()),
        Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(1))), subject,
        pair.getPublic());
    builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
        new GeneralName(GeneralName.iPAddress, InetAddress.getLoopbackAddress().getHostAddress()),
        new GeneralName(GeneralName.dNSName, "localhost")}));
    X509Certificate cert = new JcaX509CertificateConverter()
        .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate())));
    Path certFile = dir.resolve(name + ".crt");
    Path keyFile = dir.resolve(name + ".key");
    Files.writeString(certFile, pem("CERTIFICATE", cert.getEncoded()), StandardCharsets.US_ASCII);
    Files.writeString(keyFile, pem("PRIVATE KEY", pair.getPrivate().getEncoded()), StandardCharsets.US_ASCII);
    return new Pem(certFile, keyFile);
  }

  /** Concatenates PEM files into one trust bundle. */
  static Path bundle(Path file, Path... certs) throws Exception {
    StringBuilder sb = new StringBuilder();
    for (Path c : certs) {
      sb.append(Files.readString(c));
    }
    Files.writeString(file, sb.toString());
    return file;
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END " + type + "-----\n";
  }
}
