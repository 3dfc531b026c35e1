package dev.tabby.ctl.output;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * Go's {@code %.5g} and {@code %.f}, as calicoctl's ipam show prints counts. The expected strings are what Go 1.19's
 * fmt printed for these float64 values (fmt.Printf("%.5g|%.f", v, v)).
 */
class GoFloatTest {
    @Test
    void fiveSignificantDigitsAsGoPrintsThem() {
        double[] values = {0, 1, 4, 64, 256, 1024, 65536, 100000, 131072, 1048576, 16777216, Math.pow(2, 80), 0.5,
            12345.5, 99999.5, 123456, 0.0001234, 0.00001234, 2.5, 1e21};
        String[] g5 = {"0", "1", "4", "64", "256", "1024", "65536", "1e+05", "1.3107e+05", "1.0486e+06", "1.6777e+07",
            "1.2089e+24", "0.5", "12346", "1e+05", "1.2346e+05", "0.0001234", "1.234e-05", "2.5", "1e+21"};
        String[] f0 = {"0", "1", "4", "64", "256", "1024", "65536", "100000", "131072", "1048576", "16777216",
            "1208925819614629174706176", "0", "12346", "100000", "123456", "0", "0", "2", "1000000000000000000000"};
        for (int i = 0; i < values.length; i++) {
            assertEquals(g5[i], GoFloat.g(values[i], 5), "%.5g of " + values[i]);
            assertEquals(f0[i], GoFloat.f0(values[i]), "%.f of " + values[i]);
        }
    }

    @Test
    void sharesRoundHalfToEven() {
        assertEquals("0", GoFloat.f0(100 * 1.0 / 200));
        assertEquals("2", GoFloat.f0(100 * 3.0 / 200));
        assertEquals("0", GoFloat.f0(100 * 5.0 / 1024));
        assertEquals("100", GoFloat.f0(100 * 1019.0 / 1024));
    }
}
