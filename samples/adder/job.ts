/** The sample job used by the README, e2e tests and benchmarks: adds numbers. */
export default class Adder {
  /**
   * Add the given numbers.
   * @param numbers values to add
   * @returns the sum
   */
  perform(numbers: number[]): number {
    return numbers.reduce((a, b) => a + b, 0);
  }

  docsInputExample() {
    return { numbers: [40, 2] };
  }
}
