package org.xmtpj.testing;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The module edges that the Maven dependencies alone do not enforce (a transitive dependency is still
 * importable). Only main classes of {@code org.xmtpj} are imported; every rule fails when its subject is empty,
 * so a broken import cannot pass silently.
 */
@AnalyzeClasses(packages = "org.xmtpj", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

  @ArchTest
  static final ArchRule dagShouldStayPureOfStorageTransportAndNode = noClasses()
      .that().resideInAPackage("org.xmtpj.dag..")
      .should().dependOnClassesThat().resideInAnyPackage(
          "java.sql..", "io.grpc..", "com.sun.net.httpserver..", "org.flywaydb..", "com.zaxxer..",
          "org.xmtpj.store..", "org.xmtpj.node..")
      .because("the DAG model is pure: canonical events, ids and heads only");

  @ArchTest
  static final ArchRule storeShouldNotDependOnTransportOrNode = noClasses()
      .that().resideInAPackage("org.xmtpj.store..")
      .should().dependOnClassesThat().resideInAnyPackage(
          "io.grpc..", "org.xmtpj.node..", "com.sun.net.httpserver..")
      .because("storage sits below the node and knows no wire protocol");

  @ArchTest
  static final ArchRule cryptoShouldNotDependOnDagStoreOrNode = noClasses()
      .that().resideInAPackage("org.xmtpj.crypto..")
      .should().dependOnClassesThat().resideInAnyPackage(
          "org.xmtpj.dag..", "org.xmtpj.store..", "org.xmtpj.node..")
      .because("crypto is a leaf used by everything above it");

  @ArchTest
  static final ArchRule nodeShouldNotDependOnCli = noClasses()
      .that().resideInAPackage("org.xmtpj.node..")
      .should().dependOnClassesThat().resideInAPackage("org.xmtpj.cli..")
      .because("the CLI is the composition root above the node, not the other way round");

  @ArchTest
  static final ArchRule clientShouldUseOnlyProtoAndCrypto = noClasses()
      .that().resideInAPackage("org.xmtpj.client..")
      .should().dependOnClassesThat().resideInAnyPackage(
          "org.xmtpj.dag..", "org.xmtpj.store..", "org.xmtpj.node..", "org.xmtpj.cli..", "java.sql..")
      .because("the SDK ships to app developers: wire protocol and crypto only, no server code");

  @ArchTest
  static final ArchRule clientShouldNotKnowTheChain = noClasses()
      .that().resideInAPackage("org.xmtpj.client..")
      .should().dependOnClassesThat().resideInAnyPackage("org.xmtpj.chain..", "org.xmtpj.onchain..", "org.web3j..")
      .because("the SDK sees the registry only through its IdentityDirectory SPI; client-chain plugs the chain in");

  @ArchTest
  static final ArchRule onchainShouldUseTheSdkAndTheChainButNoServerCode = noClasses()
      .that().resideInAPackage("org.xmtpj.onchain..")
      .should().dependOnClassesThat().resideInAnyPackage(
          "org.xmtpj.dag..", "org.xmtpj.store..", "org.xmtpj.node..", "org.xmtpj.cli..", "java.sql..")
      .because("client-chain joins the SDK and the chain adapters for app developers: no server code");

  @ArchTest
  static final ArchRule chainShouldNotDependOnServerOrSdk = noClasses()
      .that().resideInAPackage("org.xmtpj.chain..")
      .should().dependOnClassesThat().resideInAnyPackage(
          "org.xmtpj.dag..", "org.xmtpj.store..", "org.xmtpj.node..", "org.xmtpj.client..", "org.xmtpj.cli..")
      .because("chain adapts the contracts; the node and the SDK use it, not the other way round");

  @ArchTest
  static final ArchRule nodeShouldNotDependOnTheSdk = noClasses()
      .that().resideInAPackage("org.xmtpj.node..")
      .should().dependOnClassesThat().resideInAPackage("org.xmtpj.client..")
      .because("the node serves any client; it must not assume ours");

  @ArchTest
  static final ArchRule onlyTestsShouldDependOnTestingHarnesses = noClasses()
      .that().resideOutsideOfPackage("org.xmtpj.testing..")
      .should().dependOnClassesThat().resideInAPackage("org.xmtpj.testing..")
      .because("harnesses and fakes are for tests; production code must not ship them");
}
