package org.xmtpj.dag;

/**
 * A well-formed, validly signed event that breaks an owner-only topic rule ({@link OwnedTopics}): the signed event
 * itself shows that its origin stored a write the topic's owner did not authorize.
 */
public final class OwnerRuleException extends MalformedEventException {
  public OwnerRuleException(String message) {
    super(message);
  }
}
