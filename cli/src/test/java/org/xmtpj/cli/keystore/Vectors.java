package org.xmtpj.cli.keystore;

/** Keystore documents written by other implementations, used as known answers. */
final class Vectors {
  /** Private key of both Web3 Secret Storage reference vectors (password "testpassword"). */
  static final String SPEC_PRIVATE_KEY = "7a28b5ba57c53603b0b07b56bba752f7784bf506fa95edc395f5cf6c7514fe9d";
  static final String SPEC_PASSWORD = "testpassword";

  /**
   * The scrypt vector from the Web3 Secret Storage Definition (also go-ethereum's
   * accounts/keystore/testdata/v3_test_vector.json). Note r=1, p=8 (the reverse of the usual r=8, p=1) and no
   * address field.
   */
  static final String SPEC_SCRYPT = """
      {
        "crypto" : {
          "cipher" : "aes-128-ctr",
          "cipherparams" : { "iv" : "83dbcc02d8ccb40e466191a123791e0e" },
          "ciphertext" : "d172bf743a674da9cdad04534d56926ef8358534d458fffccd4e6ad2fbde479c",
          "kdf" : "scrypt",
          "kdfparams" : {
            "dklen" : 32,
            "n" : 262144,
            "r" : 1,
            "p" : 8,
            "salt" : "ab0c7876052600dd703518d6fc3fe8984592145b591fc8fb5c6d43190334ba19"
          },
          "mac" : "2103ac29920d71da29f15d75b4a16dbe95cfd7ff8faea1056c33131d846e3097"
        },
        "id" : "3198bc9c-6672-5ab3-d995-4942343ae5b6",
        "version" : 3
      }
      """;

  /** The PBKDF2-HMAC-SHA256 vector from the same definition, indented with tabs as some tools write. */
  static final String SPEC_PBKDF2 = """
      {
      \t"crypto" : {
      \t\t"cipher" : "aes-128-ctr",
      \t\t"cipherparams" : { "iv" : "6087dab2f9fdbbfaddc31a909735c1e6" },
      \t\t"ciphertext" : "5318b4d5bcd28de64ee5559e671353e16f075ecae9f99c7a79a38af5f869aa46",
      \t\t"kdf" : "pbkdf2",
      \t\t"kdfparams" : {
      \t\t\t"c" : 262144,
      \t\t\t"dklen" : 32,
      \t\t\t"prf" : "hmac-sha256",
      \t\t\t"salt" : "ae3cd4e7013836a3df6bd7241b12db061dbe2c6785853cce422d148a624ce0bd"
      \t\t},
      \t\t"mac" : "517ead924a9d0dc3124507e3393d175ce3ff7c1e96529c6c555ce9e51205e9b2"
      \t},
      \t"id" : "3198bc9c-6672-5ab3-d995-4942343ae5b6",
      \t"version" : 3
      }
      """;

  /**
   * go-ethereum's "31_byte_key" vector: old geth dropped a leading zero byte of the key before encrypting. The key
   * is 00fa7b3d…35 once padded back to 32 bytes.
   */
  static final String GETH_31_BYTE_KEY = """
      {"crypto":{"cipher":"aes-128-ctr","cipherparams":{"iv":"e0c41130a323adc1446fc82f724bca2f"},\
      "ciphertext":"9517cd5bdbe69076f9bf5057248c6c050141e970efa36ce53692d5d59a3984","kdf":"scrypt",\
      "kdfparams":{"dklen":32,"n":2,"r":8,"p":1,\
      "salt":"711f816911c92d649fb4c84b047915679933555030b3552c1212609b38208c63"},\
      "mac":"d5e116151c6aa71470e67a7d42c9620c75c4d23229847dcc127794f0732b0db5"},\
      "id":"fecfc4ce-e956-48fd-953b-30f8b52ed66c","version":3}""";
  static final String GETH_31_BYTE_PRIVATE_KEY =
      "00fa7b3db73dc7dfdf8c5fbdb796d741e4488628c41fc4febd9160a866ba0f35";

  /** Key and address of the files below (the web3.js documentation's example account). */
  static final String ETHERS_PRIVATE_KEY = "4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318";
  static final String ETHERS_ADDRESS = "0x2c7536E3605D9C16a7a3D7b1898e529396a65c23";
  static final String ETHERS_PASSWORD = "correct horse battery staple";

  /**
   * Written by ethers 6.17.0 ({@code compat/js/node_modules}) with {@code new Wallet(key).encrypt(password)}, its
   * defaults: scrypt n=2^17, r=8, p=1. ethers spells the section "Crypto".
   */
  static final String ETHERS_DEFAULT = """
      {"address":"2c7536e3605d9c16a7a3d7b1898e529396a65c23","id":"1f594953-3a39-436a-9787-97aecf435d9f",\
      "version":3,"Crypto":{"cipher":"aes-128-ctr","cipherparams":{"iv":"a4f4a0e5cc0e534efaff027951e961b5"},\
      "ciphertext":"1a49477e8029aea58beb518699aaaae2b61af3fa099acb6ac7732fb8807150c9","kdf":"scrypt",\
      "kdfparams":{"salt":"18bfd0516eb0c104c69a21beaff6c0ffb59139d777bc8de0de8a959f77386a6c","n":131072,\
      "dklen":32,"p":1,"r":8},"mac":"5ac1add52c3822916c55814e3966a4b111ff7b0b266d0bc8efbc7849ed0b5249"}}""";

  /**
   * Written by ethers 6.17.0 with {@code encryptKeystoreJsonSync(account, "\ufb01sh p\u00e4ss", {scrypt:{N:1024}})}.
   * ethers encodes the passphrase as NFKC, which turns the ligature U+FB01 into "fi".
   */
  static final String ETHERS_NFKC = """
      {"address":"2c7536e3605d9c16a7a3d7b1898e529396a65c23","id":"ffb02f43-9ea7-4f92-b407-153229086a2b",\
      "version":3,"Crypto":{"cipher":"aes-128-ctr","cipherparams":{"iv":"c7aded055634929faa5f854ce29d0a03"},\
      "ciphertext":"3f6c4bf90ec7311fd21f96f82196ba4a4c995207ac8f7b608889d57aba360f1f","kdf":"scrypt",\
      "kdfparams":{"salt":"85f95daacd32c48b5951b558ec3d7e44239cc81f236c00149f792edd5ea7ad54","n":1024,\
      "dklen":32,"p":1,"r":8},"mac":"79349b199adf62db0e1f71b48a8bc22c377c3d39c43e1e721f37c890e29109db"}}""";
  static final String ETHERS_NFKC_PASSWORD = "\ufb01sh p\u00e4ss";

  private Vectors() {}
}
