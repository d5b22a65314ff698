/** Sample job exporting its own Prometheus metrics next to the runner's. */
export default class Counter {
  private calls = 0;
  private total = 0;

  /**
   * Count a word and remember its length.
   * @param word any word
   */
  perform(word: string): number {
    this.calls += 1;
    this.total += word.length;
    return word.length;
  }

  /** Read at every scrape of /metrics; entries with a null value are skipped. */
  metrics() {
    return [
      { name: 'words_counted', description: 'Words counted since start', value: this.calls },
      { name: 'word_length_average', description: 'Average length of counted words', value: this.calls ? this.total / this.calls : null },
      { name: 'job_is_crazy', description: 'Whether the job is crazy or not', value: 0, labels: { color: 'blue' } },
    ];
  }
}
