import { CypherError } from "./errors";
import type { CypherValue } from "./values";
import { typeName } from "./values";

const MAX = 9223372036854775807n;
const MIN = -9223372036854775808n;

export function checkInt(v: bigint): bigint {
  if (v > MAX || v < MIN)
    throw new CypherError("ArithmeticError", "runtime", "IntegerOverflow", "long overflow");
  return v;
}

const toFloat = (v: bigint | number): number => (typeof v === "bigint" ? Number(v) : v);

export function invalidArgs(op: string, a: CypherValue, b?: CypherValue): CypherError {
  return new CypherError(
    "TypeError",
    "runtime",
    "InvalidArgumentType",
    b === undefined
      ? `Type mismatch: cannot apply ${op} to ${typeName(a)}`
      : `Type mismatch: cannot apply ${op} to ${typeName(a)} and ${typeName(b)}`,
  );
}

export function numericOp(op: string, a: bigint | number, b: bigint | number): bigint | number {
  if (typeof a === "bigint" && typeof b === "bigint") {
    switch (op) {
      case "+":
        return checkInt(a + b);
      case "-":
        return checkInt(a - b);
      case "*":
        return checkInt(a * b);
      case "/":
        if (b === 0n)
          throw new CypherError("ArithmeticError", "runtime", "DivisionByZero", "/ by zero");
        return checkInt(a / b);
      case "%":
        if (b === 0n)
          throw new CypherError("ArithmeticError", "runtime", "DivisionByZero", "/ by zero");
        return a % b;
      case "^":
        return Math.pow(Number(a), Number(b));
    }
  }
  const x = toFloat(a);
  const y = toFloat(b);
  switch (op) {
    case "+":
      return x + y;
    case "-":
      return x - y;
    case "*":
      return x * y;
    case "/":
      return x / y;
    case "%":
      return x % y;
    case "^":
      return Math.pow(x, y);
  }
  throw new Error("unknown operator " + op);
}
