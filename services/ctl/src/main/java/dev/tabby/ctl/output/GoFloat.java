package dev.tabby.ctl.output;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * Go's {@code fmt} verbs {@code %.Ng} and {@code %.f} for a float64, as calicoctl prints IPAM counts with them
 * ({@code calicoctl/commands/ipam/show.go}): the exact binary value rounded half to even, trailing zeros dropped, and
 * exponent form when the exponent is below -4 or at least the precision (strconv {@code formatDigits}).
 */
public final class GoFloat {
    private GoFloat() {
    }

    /** {@code fmt.Sprintf("%.<precision>g", v)} for a finite v. */
    public static String g(double v, int precision) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "+Inf" : "-Inf";
        }
        String sign = v < 0 || (v == 0 && 1 / v < 0) ? "-" : "";
        BigDecimal exact = new BigDecimal(Math.abs(v));
        String digits;
        int dp;
        if (exact.signum() == 0) {
            digits = "";
            dp = 0;
        } else {
            BigDecimal r = exact.round(new MathContext(precision, RoundingMode.HALF_EVEN)).stripTrailingZeros();
            digits = r.unscaledValue().toString();
            dp = digits.length() - r.scale();
        }
        int nd = digits.length();
        int eprec = precision;
        if (eprec > nd && nd >= dp) {
            eprec = nd;
        }
        int exp = dp - 1;
        if (exp < -4 || exp >= eprec) {
            int prec = Math.min(precision, nd);
            return sign + exponent(digits, dp, prec - 1);
        }
        int prec = precision > dp ? nd : precision;
        return sign + fixed(digits, dp, Math.max(prec - dp, 0));
    }

    /** {@code fmt.Sprintf("%.f", v)}: rounded half to even to a whole number. */
    public static String f0(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "+Inf" : "-Inf";
        }
        return new BigDecimal(v).setScale(0, RoundingMode.HALF_EVEN).toPlainString();
    }

    private static String exponent(String digits, int dp, int prec) {
        StringBuilder b = new StringBuilder();
        b.append(digits.isEmpty() ? '0' : digits.charAt(0));
        if (prec > 0) {
            b.append('.');
            for (int i = 1; i <= prec; i++) {
                b.append(i < digits.length() ? digits.charAt(i) : '0');
            }
        }
        int exp = digits.isEmpty() ? 0 : dp - 1;
        b.append('e').append(exp < 0 ? '-' : '+');
        int abs = Math.abs(exp);
        b.append(abs < 10 ? "0" + abs : Integer.toString(abs));
        return b.toString();
    }

    private static String fixed(String digits, int dp, int prec) {
        StringBuilder b = new StringBuilder();
        if (dp > 0) {
            for (int i = 0; i < dp; i++) {
                b.append(i < digits.length() ? digits.charAt(i) : '0');
            }
        } else {
            b.append('0');
        }
        if (prec > 0) {
            b.append('.');
            for (int i = 1; i <= prec; i++) {
                int j = dp + i - 1;
                b.append(j >= 0 && j < digits.length() ? digits.charAt(j) : '0');
            }
        }
        return b.toString();
    }
}
