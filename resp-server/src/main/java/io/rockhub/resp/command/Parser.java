package io.rockhub.resp.command;

/**
 * Turns arguments into an {@link Execution}, rejecting bad input before any storage call. The
 * arity has already been checked against the command's spec.
 */
@FunctionalInterface
public interface Parser {
    Execution parse(Args args) throws CommandError;
}
