using InsureCrm.Core.Common;

namespace InsureCrm.Cli.Common;

/// <summary>The <c>--encoding</c> option of every CSV import verb (<c>import</c>, <c>consent dnc-import</c>).</summary>
internal static class EncodingOption
{
    /// <summary>The value as an <see cref="ImportEncoding"/>; null when it is none of the accepted names.</summary>
    public static ImportEncoding? Parse(string? value) => (value ?? "auto").ToLowerInvariant() switch
    {
        "auto" => ImportEncoding.Auto,
        "utf-8" or "utf8" => ImportEncoding.Utf8,
        "cp949" or "euc-kr" or "euckr" => ImportEncoding.Cp949,
        _ => null,
    };
}
