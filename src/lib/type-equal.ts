/** Compile-time checks that a plain type and a zod schema's type stay the same. */

/** true when A and B are the same type (each assignable to the other). */
export type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
/** Does not compile unless T is true. */
export type Holds<T extends true> = T;
