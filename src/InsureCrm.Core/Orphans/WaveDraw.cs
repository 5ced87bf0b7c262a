using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace InsureCrm.Core.Orphans;

/// <summary>
/// The random wave of a staggered roll-out: SHA-256 of the stored salt and the case id gives a uniform number in [0, 1); below
/// the control share is the control wave. The same salt and id always give the same wave (reproducible, checkable), and
/// the salt keeps the draw from being guessed from ids.
/// </summary>
public static class WaveDraw
{
    public static double Uniform(string salt, long caseId)
    {
        var bytes = SHA256.HashData(Encoding.UTF8.GetBytes(salt + ":" + caseId.ToString(CultureInfo.InvariantCulture)));
        return (BinaryPrimitives.ReadUInt64BigEndian(bytes) >> 11) * (1.0 / (1UL << 53));
    }

    public static bool IsControl(string salt, long caseId, double share) => share > 0 && Uniform(salt, caseId) < share;
}
