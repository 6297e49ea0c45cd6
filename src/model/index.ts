export * from './app';
export * from './environment';
export * from './plan';
export * from './errors';
export * from './canonical';
export * from './operations';
export * from './images';
export * from './diagnosis';
