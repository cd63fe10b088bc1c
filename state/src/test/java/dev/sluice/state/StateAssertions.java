package dev.sluice.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.core.ErrorCode;
import dev.sluice.core.SluiceException;
import org.assertj.core.api.AbstractThrowableAssert;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

/** Asserts failures by their code, as scripts and the server match them. */
final class StateAssertions {
    private StateAssertions() {}

    static AbstractThrowableAssert<?, ? extends Throwable> assertFailsWith(ErrorCode code, ThrowingCallable call) {
        return assertThatThrownBy(call)
                .isInstanceOfSatisfying(SluiceException.class, e -> assertThat(e.code()).as("error code").isEqualTo(code));
    }
}
