package dev.sluice.server.alert;

/** Where messages go: one e-mail setup or one webhook. Called from one delivery thread at a time. */
interface Channel extends AutoCloseable {
    /** Where messages go, for logs, without secrets: {@code e-mail to ops@example.com via smtp.example.com:587}. */
    String describe();

    /** Sends the message once; the caller retries. */
    void deliver(AlertMessage message) throws DeliveryFailure;

    /** Checks the way to the receiver without sending a message, where that is possible. */
    void check() throws DeliveryFailure;

    @Override
    void close();
}
