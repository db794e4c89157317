package till.platform.security;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class Sha256PasswordsTest {

    private final Sha256Passwords passwords = new Sha256Passwords();

    @Test
    void onlyTheSamePasswordMatches() {
        String stored = passwords.encode("correct horse battery staple");

        assertThat(stored).isNotEqualTo("correct horse battery staple");
        assertThat(passwords.matches("correct horse battery staple", stored)).isTrue();
        assertThat(passwords.matches("correct horse battery stapl", stored)).isFalse();
        assertThat(passwords.matches("", stored)).isFalse();
        assertThat(passwords.matches(null, stored)).isFalse();
        assertThat(passwords.matches("correct horse battery staple", "not hex")).isFalse();
    }
}
