/** Sample job with auxiliary endpoints (extra POST methods) and static endpoints (files and a directory). */
export default class Explainer {
  /**
   * Add two numbers.
   * @param x first addend
   * @param y second addend
   */
  perform(x: number, y: number): number {
    return x + y;
  }

  /** Extra endpoints besides /perform, each handled by a method. */
  auxiliaryEndpoints() {
    return { '/explain': this.explain };
  }

  /**
   * Explain how much each input contributes to the result.
   * @param x first addend
   * @param y second addend
   */
  explain(x: number, y: number): { x_importance: number; y_importance: number } {
    const result = this.perform(x, y);
    return { x_importance: x / result, y_importance: y / result };
  }

  docsInputExamples() {
    return { '/perform': { x: 40, y: 2 }, '/explain': { x: 1, y: 3 } };
  }

  /** Files served as they are: a path, or [path, mimetype]; a directory serves everything under it. */
  staticEndpoints() {
    return {
      '/manifest': ['job.yaml', 'application/x-yaml'],
      '/readme': 'README.md',
      '/docs': 'docs',
    };
  }
}
