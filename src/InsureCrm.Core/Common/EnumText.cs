using System.Text;

namespace InsureCrm.Core.Common;

/// <summary>
/// The stored text of an enum's members (their names, as <c>ToString()</c> gives them, which is how enums are
/// stored) and its UTF-8 bytes, computed once per type. <c>ToString()</c> on a generic enum value boxes it, and
/// bulk writers call this for several columns of every row.
/// </summary>
internal static class EnumText<TEnum> where TEnum : struct, Enum
{
    private static readonly Dictionary<TEnum, (string Name, byte[] Utf8)> Members =
        System.Enum.GetValues<TEnum>().Distinct().ToDictionary(v => v, v => (v.ToString(), Encoding.UTF8.GetBytes(v.ToString())));

    public static string Name(TEnum value) => Members.TryGetValue(value, out var m) ? m.Name : value.ToString();

    /// <summary>The name's UTF-8 bytes; null for a value that is not a member (the caller encodes its text).</summary>
    public static byte[]? Utf8(TEnum value) => Members.TryGetValue(value, out var m) ? m.Utf8 : null;
}
