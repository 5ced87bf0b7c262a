using Microsoft.Playwright;

namespace InsureCrm.Web.Tests;

/// <summary>Debian's Chromium, offline, for every browser test: never <c>playwright install</c>.</summary>
internal static class DebianChromium
{
    public static readonly BrowserTypeLaunchOptions Options = new()
    {
        ExecutablePath = "/usr/bin/chromium",
        Headless = true,
        Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--no-first-run", "--disable-quic", "--disable-sync"],
    };
}
