using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Text;

namespace InsureCrm.Core.Common;

/// <summary>
/// The code-page encodings .NET does not carry by default (CP949/EUC-KR, ISO-2022-KR...), registered when this assembly
/// loads: before any code of ours can hand MimeKit a mail, since MimeKit remembers a charset it could not find and would
/// then read EUC-KR mail as Latin-1 for the life of the process. The CSV imports, DM exports and SMS sizing need them too.
/// </summary>
internal static class CodePages
{
    [ModuleInitializer]
    [SuppressMessage("Usage", "CA2255:The 'ModuleInitializer' attribute should not be used in libraries",
        Justification = "A process-wide encoding registration that must precede any MimeKit charset lookup, whichever entry point (web host, CLI, tests) loads this assembly first.")]
    internal static void Register() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
}
