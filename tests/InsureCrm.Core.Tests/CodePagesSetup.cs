using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Text;

namespace InsureCrm.Tests;

/// <summary>
/// The tests build EUC-KR and ISO-2022-KR mails with MimeKit themselves, possibly before any product code has loaded: the
/// code pages are registered when the test assembly loads, as the product registers them when its own assembly does.
/// </summary>
internal static class CodePagesSetup
{
    [ModuleInitializer]
    [SuppressMessage("Usage", "CA2255:The 'ModuleInitializer' attribute should not be used in libraries", Justification = "A test assembly: one process-wide registration before any test runs.")]
    internal static void Register() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
}
