package dev.tabby.bgp.wire;

import static dev.tabby.bgp.wire.UpdateBytes.AS_PATH_4;
import static dev.tabby.bgp.wire.UpdateBytes.FOUR_OCTET;
import static dev.tabby.bgp.wire.UpdateBytes.NEXT_HOP;
import static dev.tabby.bgp.wire.UpdateBytes.NLRI_10_1;
import static dev.tabby.bgp.wire.UpdateBytes.ORIGIN_IGP;
import static dev.tabby.bgp.wire.UpdateBytes.TWO_OCTET;
import static dev.tabby.bgp.wire.UpdateBytes.body;
import static dev.tabby.bgp.wire.UpdateBytes.decode;
import static dev.tabby.bgp.wire.UpdateBytes.encode;
import static dev.tabby.bgp.wire.UpdateBytes.hex;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

/** Whatever bytes arrive, UPDATE decoding returns an Update or throws BgpDecodeException, nothing else. */
class UpdateCodecFuzzTest {
    /** A well-formed UPDATE touching every decoder: MP_REACH IPv6, the mandatory ones, optional ones, unknown. */
    private static final byte[] VALID = hex(body("18 C0A800",
            "80 0E 2C 0002 01 20 20010DB8000000000000000000000001 FE800000000000000000000000000001 00 30 20010DB80001"
                    + "80 0F 08 0002 01 20 20010DB8"
                    + ORIGIN_IGP + AS_PATH_4 + NEXT_HOP
                    + "80 04 04 00000064 40 05 04 000000C8 40 06 00 C0 07 08 0000FDE9 C0000202"
                    + "C0 08 04 FDE90064 80 09 04 0A000001 80 0A 04 0A000001 C0 11 06 02 01 FA56EA00"
                    + "C0 12 08 FA56EA00 C0000202 C0 20 0C FA56EA00 00000001 00000002 C0 63 03 010203",
            NLRI_10_1));

    @Property(tries = 3000)
    void arbitraryBytesDecodeOrFailTyped(@ForAll @Size(max = 300) byte[] body, @ForAll boolean fourOctet) {
        decodesOrThrowsTyped(body, fourOctet ? FOUR_OCTET : TWO_OCTET);
    }

    @Property(tries = 3000)
    void mutationsOfAValidUpdateDecodeOrFailTyped(@ForAll("mutatedValid") byte[] body, @ForAll boolean fourOctet) {
        decodesOrThrowsTyped(body, fourOctet ? FOUR_OCTET : TWO_OCTET);
    }

    @Provide
    Arbitrary<byte[]> mutatedValid() {
        Arbitrary<List<Integer>> positions = Arbitraries.integers().between(0, VALID.length - 1).list().ofMaxSize(4);
        Arbitrary<List<Byte>> values = Arbitraries.bytes().list().ofSize(4);
        Arbitrary<Integer> keep = Arbitraries.integers().between(0, VALID.length);
        return Combinators.combine(positions, values, keep).as((at, to, length) -> {
            byte[] mutated = VALID.clone();
            for (int i = 0; i < at.size(); i++) {
                mutated[at.get(i)] = to.get(i);
            }
            return Arrays.copyOf(mutated, Math.max(length, VALID.length - 8 * at.size()));
        });
    }

    /** A decoded UPDATE must also re-encode without error (its records are well-formed by construction). */
    private static void decodesOrThrowsTyped(byte[] body, Negotiated negotiated) {
        try {
            Update update = decode(body, negotiated);
            assertNotNull(update);
            assertNotNull(encode(update, negotiated));
        } catch (BgpDecodeException expected) {
            assertNotNull(expected.getMessage());
        }
    }
}
