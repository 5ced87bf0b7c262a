namespace InsureCrm.Core.Contact;

/// <summary>
/// Where a consent statement is captured inside InsureCRM (docs/consent.md); <see cref="ContactPolicy.CaptureSources"/>
/// lists them all, and a statement from one of them carries the hour it was given.
/// </summary>
internal static class CaptureSource
{
    public const string Branch = "branch";
    public const string Web = "web";
    public const string CallCenter = "call-center";
    public const string Paper = "paper";
    public const string Visit = "visit";
}
