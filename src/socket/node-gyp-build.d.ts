// node-gyp-build ships no types: the part of it this package uses.
declare module 'node-gyp-build' {
  interface NodeGypBuild {
    /** loads the addon of the package at `dir` */
    (dir: string): unknown;
    /** the path of the addon it would load: build/Release, else the prebuild that fits; throws when none does */
    path(dir: string): string;
  }
  const load: NodeGypBuild;
  export default load;
}
