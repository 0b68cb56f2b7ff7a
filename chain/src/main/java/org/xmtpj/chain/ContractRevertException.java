package org.xmtpj.chain;

import java.util.List;

/**
 * A contract reverted. When the revert data matches a custom error of our contracts (or the standard
 * {@code Error(string)} / {@code Panic(uint256)}), {@link #errorName()} names it and {@link #arguments()} holds its
 * decoded arguments, so callers can branch on {@code "NodeKeyTaken"} rather than parse messages.
 */
public final class ContractRevertException extends ChainException {
  private static final long serialVersionUID = 1L;

  /** Error name used when the revert carried no data or data we could not decode. */
  public static final String UNKNOWN = "unknown";

  private final String operation;
  private final String errorName;
  private final transient List<Object> arguments;
  private final String data;

  public ContractRevertException(String operation, String errorName, List<Object> arguments, String data) {
    super(operation + " reverted with " + errorName + format(arguments)
        + (UNKNOWN.equals(errorName) && data != null ? " (data " + data + ")" : ""));
    this.operation = operation;
    this.errorName = errorName;
    this.arguments = List.copyOf(arguments);
    this.data = data;
  }

  /** The same revert attributed to {@code newOperation} (a view call only knows the contract address). */
  ContractRevertException withOperation(String newOperation) {
    ContractRevertException e = new ContractRevertException(newOperation, errorName, arguments, data);
    e.setStackTrace(getStackTrace());
    return e;
  }

  /** What was attempted, e.g. {@code NodeRegistry.register}. */
  public String operation() {
    return operation;
  }

  /** The custom error's name (e.g. {@code NodeKeyTaken}), {@code Error}, {@code Panic}, or {@link #UNKNOWN}. */
  public String errorName() {
    return errorName;
  }

  /** Decoded arguments: BigInteger for integers, String for addresses and strings, byte[] for bytes. */
  public List<Object> arguments() {
    return arguments;
  }

  /** The raw revert data (hex with 0x), or null when the node returned none. */
  public String data() {
    return data;
  }

  private static String format(List<Object> args) {
    StringBuilder sb = new StringBuilder("(");
    for (int i = 0; i < args.size(); i++) {
      if (i > 0) {
        sb.append(", ");
      }
      Object a = args.get(i);
      sb.append(a instanceof byte[] b ? "0x" + java.util.HexFormat.of().formatHex(b) : String.valueOf(a));
    }
    return sb.append(')').toString();
  }
}
