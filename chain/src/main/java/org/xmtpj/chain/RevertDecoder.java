package org.xmtpj.chain;

import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.web3j.abi.CustomErrorEncoder;
import org.web3j.abi.FunctionReturnDecoder;
import org.web3j.abi.TypeReference;
import org.web3j.abi.datatypes.CustomError;
import org.web3j.abi.datatypes.Type;
import org.web3j.abi.datatypes.Utf8String;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.protocol.core.Response;
import org.xmtpj.chain.contracts.Checkpoints;
import org.xmtpj.chain.contracts.IdentityRegistry;
import org.xmtpj.chain.contracts.NodeRegistry;
import org.xmtpj.chain.contracts.Staking;
import org.xmtpj.chain.contracts.Token;

/**
 * Turns revert data into a named error. The selectors come from the {@code *_ERROR} constants that web3j's
 * generator writes into each wrapper, so a new custom error in a contract is decoded without touching this class.
 */
final class RevertDecoder {
  private static final Map<String, CustomError> ERRORS = collectErrors();
  /** Solidity's built-in errors: {@code Error(string)} from require/revert, {@code Panic(uint256)} from asserts. */
  private static final String ERROR_STRING = "0x08c379a0";
  private static final String PANIC = "0x4e487b71";
  private static final TypeReference<Utf8String> STRING = new TypeReference<>() {};
  private static final TypeReference<Uint256> UINT = new TypeReference<>() {};

  private RevertDecoder() {}

  /**
   * The revert carried by a JSON-RPC error of eth_call / eth_estimateGas / eth_sendRawTransaction, or null when
   * the error is not a revert (e.g. "insufficient funds", "nonce too low").
   */
  static ContractRevertException fromRpcError(String operation, Response.Error error) {
    String data = revertData(error.getData());
    String message = error.getMessage() == null ? "" : error.getMessage().toLowerCase(Locale.ROOT);
    // geth answers code 3 "execution reverted", Hardhat -32603 "VM Exception ... reverted ..."
    boolean revert = error.getCode() == 3 || message.contains("revert") || (data != null && data.length() > 2);
    return revert ? fromData(operation, data) : null;
  }

  /** Decodes revert data (0x-prefixed hex; null or "0x" when the contract reverted without data). */
  static ContractRevertException fromData(String operation, String data) {
    if (data == null || data.length() < 10) {
      return new ContractRevertException(operation, ContractRevertException.UNKNOWN, List.of(), data);
    }
    String selector = data.substring(0, 10).toLowerCase(Locale.ROOT);
    String args = data.substring(10);
    try {
      if (selector.equals(ERROR_STRING)) {
        return new ContractRevertException(operation, "Error", decode(args, List.of(STRING)), data);
      }
      if (selector.equals(PANIC)) {
        return new ContractRevertException(operation, "Panic", decode(args, List.of(UINT)), data);
      }
      CustomError error = ERRORS.get(selector);
      if (error != null) {
        return new ContractRevertException(operation, error.getName(), decode(args, castParameters(error)), data);
      }
    } catch (RuntimeException e) {
      // data that does not match the declared layout: report it undecoded rather than fail differently
    }
    return new ContractRevertException(operation, ContractRevertException.UNKNOWN, List.of(), data);
  }

  /** Error names known to the decoder (for tests and diagnostics). */
  static List<String> knownErrorNames() {
    return ERRORS.values().stream().map(CustomError::getName).sorted().toList();
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static List<TypeReference<?>> castParameters(CustomError error) {
    return (List) error.getParameters();
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static List<Object> decode(String hexArgs, List<TypeReference<?>> types) {
    List<Type> values = FunctionReturnDecoder.decode(hexArgs, (List) types);
    List<Object> out = new ArrayList<>(values.size());
    for (Type value : values) {
      out.add(value.getValue());
    }
    return out;
  }

  /**
   * web3j keeps the "data" member of a JSON-RPC error as raw JSON: a hex string (geth) or an object with its own
   * "data" member (Hardhat). Returns the hex, or null.
   */
  private static String revertData(String rawJson) {
    if (rawJson == null || rawJson.isBlank()) {
      return null;
    }
    try {
      JsonElement e = JsonParser.parseString(rawJson);
      if (e.isJsonObject() && e.getAsJsonObject().has("data")) {
        e = e.getAsJsonObject().get("data");
      }
      if (e.isJsonPrimitive() && e.getAsString().startsWith("0x")) {
        return e.getAsString();
      }
      return null;
    } catch (RuntimeException notJson) {
      return rawJson.startsWith("0x") ? rawJson : null;
    }
  }

  private static Map<String, CustomError> collectErrors() {
    Map<String, CustomError> map = new HashMap<>();
    for (Class<?> wrapper : List.of(Token.class, NodeRegistry.class, Staking.class, IdentityRegistry.class,
        Checkpoints.class)) {
      for (Field f : wrapper.getFields()) {
        if (f.getType() == CustomError.class && Modifier.isStatic(f.getModifiers())) {
          try {
            CustomError error = (CustomError) f.get(null);
            // encode() is the full keccak of the signature; the selector is its first 4 bytes. Identical
            // selectors mean identical signatures (e.g. NodeNotRegistered in two contracts).
            String selector = CustomErrorEncoder.encode(error).substring(0, 10).toLowerCase(Locale.ROOT);
            map.putIfAbsent(selector, error);
          } catch (IllegalAccessException e) {
            throw new IllegalStateException("generated wrapper field not readable: " + f, e);
          }
        }
      }
    }
    return Map.copyOf(map);
  }
}
