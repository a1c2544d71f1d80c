// Placeholder until scripts/mrz/train-cnn.ts writes the trained net.
export const CNN_MODEL = { conv1: 8, conv2: 16, dense: 64, outputs: 37, temperature: 1, ensembleTemperature: 1, data: '' } as const;
