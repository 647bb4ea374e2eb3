package io.rockhub.core.types;

/** Expected outcomes of a store operation that are not plain success; the server maps each to a reply. */
public enum Status {
    OK,
    NOT_FOUND,
    WRONG_TYPE,
    NOT_INTEGER,
    NOT_FLOAT,
    OVERFLOW,
    NAN_OR_INFINITY,
    TOO_LARGE,
    INVALID_EXPIRE,
    /** A condition (NX, XX, GT, LT, ...) was not met, so nothing changed. */
    NOT_APPLIED,
    /** XADD: the id is not greater than the stream's last id. */
    ID_TOO_SMALL,
    /** XADD: the id is 0-0. */
    ID_ZERO,
    /** XADD: no id after the last possible one. */
    IDS_EXHAUSTED,
    /** A string that is not a HyperLogLog where one is needed. */
    NOT_HLL,
    /** A HyperLogLog whose sparse form does not cover its registers exactly. */
    CORRUPT_HLL
}
