package io.rockhub.resp.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The conformance comparison forgives only the order Redis leaves undefined, nothing else. */
class RespTreeTest {
    private static String pairs(String raw) {
        return RespTree.parse(raw).canonical(RespTree.Order.PAIRS);
    }

    @Test
    void pairsInAnotherOrderAreEqualButSwappedValuesAreNot() {
        String ab = "*4\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n";
        String ba = "*4\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\na\r\n$1\r\n1\r\n";
        String swapped = "*4\r\n$1\r\na\r\n$1\r\n2\r\n$1\r\nb\r\n$1\r\n1\r\n";
        assertThat(pairs(ab)).isEqualTo(pairs(ba));
        assertThat(pairs(ab)).isNotEqualTo(pairs(swapped));
    }

    @Test
    void elementsCompareAsAMultisetWithTheirTypes() {
        RespTree.Order e = RespTree.Order.ELEMENTS;
        assertThat(RespTree.parse("*2\r\n$1\r\nx\r\n$1\r\ny\r\n").canonical(e))
                .isEqualTo(RespTree.parse("*2\r\n$1\r\ny\r\n$1\r\nx\r\n").canonical(e));
        assertThat(RespTree.parse("*2\r\n$1\r\nx\r\n$1\r\nx\r\n").canonical(e))
                .isNotEqualTo(RespTree.parse("*2\r\n$1\r\nx\r\n$1\r\ny\r\n").canonical(e));
        assertThat(RespTree.parse("*1\r\n:1\r\n").canonical(e)).isNotEqualTo(RespTree.parse("*1\r\n$1\r\n1\r\n").canonical(e));
    }

    @Test
    void aScanCursorIsComparedExactlyAndNestedArraysKeepTheirOrder() {
        RespTree.Order s = RespTree.Order.SCAN_ELEMENTS;
        assertThat(RespTree.parse("*2\r\n$1\r\n0\r\n*2\r\n$1\r\na\r\n$1\r\nb\r\n").canonical(s))
                .isEqualTo(RespTree.parse("*2\r\n$1\r\n0\r\n*2\r\n$1\r\nb\r\n$1\r\na\r\n").canonical(s));
        assertThat(RespTree.parse("*2\r\n$1\r\n0\r\n*0\r\n").canonical(s))
                .isNotEqualTo(RespTree.parse("*2\r\n$1\r\n5\r\n*0\r\n").canonical(s));
        String nested = "*2\r\n*2\r\n:1\r\n:2\r\n*0\r\n";
        assertThat(RespTree.parse(nested).canonical(RespTree.Order.EXACT)).isEqualTo(nested);
    }

    @Test
    void trailingBytesAreAnError() {
        assertThatThrownBy(() -> RespTree.parse("+OK\r\n+OK\r\n")).hasMessageContaining("bytes after the reply");
    }
}
