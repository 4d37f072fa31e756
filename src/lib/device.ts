/** The words a device is described with (the catalogue's account section). */
export interface DeviceWords {
  device: (browser: string, os: string) => string;
  unknownDevice: string;
  aBrowser: string;
}

/** "Chrome on Linux" from a User-Agent: enough to tell one's own devices apart. */
export function describeDevice(userAgent: string | null | undefined, words: DeviceWords): string {
  const ua = userAgent ?? "";
  if (!ua) return words.unknownDevice;
  const browser = /Edg\//.test(ua)
    ? "Edge"
    : /Firefox\//.test(ua)
      ? "Firefox"
      : /Chrom(e|ium)\//.test(ua)
        ? "Chrome"
        : /Safari\//.test(ua)
          ? "Safari"
          : ua.split(/[ /]/)[0] || words.aBrowser;
  const os = /Android/.test(ua)
    ? "Android"
    : /iPhone|iPad/.test(ua)
      ? "iOS"
      : /Mac OS X/.test(ua)
        ? "macOS"
        : /Windows/.test(ua)
          ? "Windows"
          : /Linux/.test(ua)
            ? "Linux"
            : "";
  return os ? words.device(browser, os) : browser;
}
