// A crate's own package (examples/levenshtein) is typed like webpar's: its workload's params,
// input and output are declared from its catalogue when the package is built. Compiled, not
// run, by `./build.sh test`.
import init, { Runner } from "../../www/examples/levenshtein/webpar.js";

export async function registered(): Promise<void> {
  await init();
  const runner = new Runner();
  await runner.run("levenshtein", { words: 10, length: 5 });
  // @ts-expect-error: a misspelt parameter of the crate's workload
  await runner.run("levenshtein", { words: 10, lenght: 5 });
  const found = await runner.run("levenshtein", { input: { query: "kitten", words: ["sitting"] } });
  const nearest: string = found.output.nearest[0].word;
  const distance: number = found.output.distances[0];
  void [nearest, distance];
  // @ts-expect-error: the words are strings
  await runner.run("levenshtein", { input: { query: "kitten", words: [1] } });
  // webpar's own workloads are there too.
  await runner.run("primes", { below: 100 });
}
