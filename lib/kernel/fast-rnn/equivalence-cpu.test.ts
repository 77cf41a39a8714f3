import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import {
  caseName,
  equivalenceCases,
  equivalenceProblem,
  runEquivalence,
} from "./equivalence-harness";

beforeAll(async () => {
  await tf.setBackend("cpu");
  await tf.ready();
});

describe("fast recurrent layers agree with stock tfjs (cpu backend, 20 Adam steps)", () => {
  for (const c of equivalenceCases()) {
    it(caseName(c), () => expect(equivalenceProblem(runEquivalence(tf, c))).toBeNull());
  }
});
