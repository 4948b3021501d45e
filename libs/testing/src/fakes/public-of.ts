/**
 * The public surface of a class: its public methods and properties, without the private members
 * that make a class type nominal. A fake declared `implements PublicOf<RealClass>` stops
 * compiling when a method of the real class changes its signature.
 */
export type PublicOf<T> = { [K in keyof T]: T[K] };

/**
 * A fake where the real class is required. The real class's private members make a cast
 * necessary; naming the class (`standIn<LeverSyncProducer>(producer)`) checks that the fake has
 * its whole public surface, so a signature change still fails to compile, here.
 */
export function standIn<T>(fake: PublicOf<T>): T {
  return fake as T;
}
