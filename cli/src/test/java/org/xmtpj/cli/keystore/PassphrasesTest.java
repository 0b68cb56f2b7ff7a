package org.xmtpj.cli.keystore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.xmtpj.cli.keystore.KeystoreException.Reason;

class PassphrasesTest {
  /** Answers prompts from a script and records them; a null entry stands for end of input. */
  private static final class ScriptedTerminal implements Passphrases.Terminal {
    final Deque<String> answers;
    final List<String> prompts = new ArrayList<>();

    ScriptedTerminal(String... answers) {
      this.answers = new ArrayDeque<>();
      Arrays.stream(answers).forEach(a -> this.answers.add(a == null ? "\0EOF" : a));
    }

    @Override
    public char[] readPassword(String prompt) {
      prompts.add(prompt);
      String answer = answers.remove();
      return answer.equals("\0EOF") ? null : answer.toCharArray();
    }
  }

  @Test
  void shouldPreferTheEnvironmentVariableOverTheConsole() {
    ScriptedTerminal terminal = new ScriptedTerminal();
    Passphrases passphrases = new Passphrases(Map.of("XMTP_PASSPHRASE", "from env"), terminal);

    assertThat(passphrases.existing("Passphrase: ")).containsExactly("from env".toCharArray());
    assertThat(passphrases.create("New passphrase: ")).containsExactly("from env".toCharArray());
    assertThat(terminal.prompts).isEmpty();
  }

  @Test
  void shouldExplainWhenThereIsNeitherConsoleNorEnvironmentVariable() {
    Passphrases passphrases = new Passphrases(Map.of(), null);

    assertThatThrownBy(() -> passphrases.existing("Passphrase: "))
        .isInstanceOfSatisfying(KeystoreException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.PASSPHRASE_UNAVAILABLE))
        .hasMessageContaining("no interactive console").hasMessageContaining("XMTP_PASSPHRASE");
  }

  @Test
  void shouldAskTwiceForANewPassphrase() {
    ScriptedTerminal terminal = new ScriptedTerminal("s3cret", "s3cret");

    char[] passphrase = new Passphrases(Map.of(), terminal).create("New passphrase: ");

    assertThat(passphrase).containsExactly("s3cret".toCharArray());
    assertThat(terminal.prompts).containsExactly("New passphrase: ", "Repeat passphrase: ");
  }

  @Test
  void shouldAskAgainWhenTheConfirmationDiffersOrThePassphraseIsEmpty() {
    ScriptedTerminal terminal = new ScriptedTerminal("one", "two", "", "three", "three");

    char[] passphrase = new Passphrases(Map.of(), terminal).create("New passphrase: ");

    assertThat(passphrase).containsExactly("three".toCharArray());
    assertThat(terminal.prompts.get(2)).startsWith("The passphrases did not match");
    assertThat(terminal.prompts.get(3)).startsWith("The passphrase must not be empty");
  }

  @Test
  void shouldGiveUpAfterThreeMismatchedConfirmations() {
    ScriptedTerminal terminal = new ScriptedTerminal("a", "b", "a", "b", "a", "b");

    assertThatThrownBy(() -> new Passphrases(Map.of(), terminal).create("New passphrase: "))
        .hasMessageContaining("after 3 attempts");
  }

  @Test
  void shouldRejectAnEmptyEnvironmentPassphraseForANewWalletOnly() {
    Passphrases passphrases = new Passphrases(Map.of("XMTP_PASSPHRASE", ""), null);

    assertThat(passphrases.existing("Passphrase: ")).isEmpty();
    assertThatThrownBy(() -> passphrases.create("New passphrase: ")).hasMessageContaining("set but empty");
  }

  @Test
  void shouldReportEndOfInputInsteadOfReturningNull() {
    assertThatThrownBy(() -> new Passphrases(Map.of(), new ScriptedTerminal((String) null)).existing("P: "))
        .hasMessageContaining("end of input");
  }
}
