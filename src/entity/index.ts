/** Entity resolution (一人一档 / 一企一档): the generic linkage engine and what is built on it. */
export * from './link/index.ts';
