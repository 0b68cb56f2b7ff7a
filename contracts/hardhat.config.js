// Hardhat 2 configuration for the network's contracts.
//
// The machines this project runs on cannot reach binaries.soliditylang.org, so Hardhat's own compiler
// download fails (HH502). The subtask override below hands Hardhat the solc-js build that ships inside the
// pinned npm package `solc` whenever the configured version equals that package's version.
const path = require("path");
const { subtask } = require("hardhat/config");
const { TASK_COMPILE_SOLIDITY_GET_SOLC_BUILD } = require("hardhat/builtin-tasks/task-names");

require("@nomicfoundation/hardhat-ethers");
require("@nomicfoundation/hardhat-chai-matchers");

const SOLC_VERSION = "0.8.37";

subtask(TASK_COMPILE_SOLIDITY_GET_SOLC_BUILD, async (args, hre, runSuper) => {
  const solcPackage = require("solc/package.json");
  if (args.solcVersion === SOLC_VERSION && solcPackage.version === SOLC_VERSION) {
    const solc = require("solc");
    return {
      compilerPath: path.join(path.dirname(require.resolve("solc/package.json")), "soljson.js"),
      isSolcJs: true,
      version: SOLC_VERSION,
      longVersion: solc.version(),
    };
  }
  return runSuper();
});

/** @type import('hardhat/config').HardhatUserConfig */
module.exports = {
  solidity: {
    version: SOLC_VERSION,
    settings: {
      // cancun: the newest fork that every mainstream EVM chain (and Hardhat's default osaka) executes.
      evmVersion: "cancun",
      optimizer: { enabled: true, runs: 200 },
    },
  },
  networks: {
    hardhat: {
      // The chain id matches `hardhat node`.
      chainId: 31337,
      // For `hardhat node` (scripts/start-node.sh sets it): without it, every block of a burst of transactions is
      // stamped one second after the previous one, and a local chain that deploys and stakes a devnet runs tens of
      // seconds ahead of the wall clock, while the nodes' checkpoints follow both. The unit tests keep Hardhat's
      // default (strictly increasing timestamps), which some of them rely on.
      allowBlocksWithSameTimestamp: process.env.XMTPJ_SAME_TIMESTAMP_BLOCKS === "1",
    },
    localhost: {
      url: process.env.CHAIN_RPC || "http://127.0.0.1:8545",
    },
  },
  mocha: {
    timeout: 120000,
    // JUNIT_REPORT=FILE (set by the chain module's Maven build) adds a JUnit XML report to the spec output
    ...(process.env.JUNIT_REPORT ? { reporter: path.join(__dirname, "scripts", "junit-reporter.js") } : {}),
  },
};
