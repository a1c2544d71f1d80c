export const EXAMPLES_DIR: string;
export const EXAMPLES_OUT: string;
export function exampleNames(): string[];
export function buildExample(name: string): Promise<void>;
