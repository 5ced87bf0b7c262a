using InsureCrm.Core.Customers;

namespace InsureCrm.Core.Synthetic;

/// <summary>
/// Korean names: surnames weighted by their share of the population (2015 census: 김 21.5%, 이 14.7%,
/// 박 8.4%, ...), given names from the most common two-syllable names of each generation.
/// </summary>
internal static class KoreanNames
{
    public static readonly WeightedTable<string> Surnames = new(
    [
        ("김", 21.5), ("이", 14.7), ("박", 8.4), ("최", 4.7), ("정", 4.4), ("강", 2.3), ("조", 2.1), ("윤", 2.1),
        ("장", 2.0), ("임", 1.7), ("한", 1.5), ("오", 1.5), ("서", 1.5), ("신", 1.4), ("권", 1.4), ("황", 1.4),
        ("안", 1.3), ("송", 1.3), ("전", 1.1), ("홍", 1.1), ("유", 1.1), ("고", 0.9), ("문", 0.9), ("양", 0.8),
        ("손", 0.8), ("배", 0.8), ("백", 0.7), ("허", 0.6), ("남", 0.5), ("심", 0.5), ("노", 0.4), ("하", 0.4),
        ("곽", 0.4), ("성", 0.4), ("차", 0.4), ("주", 0.4), ("우", 0.4), ("구", 0.4), ("민", 0.3), ("류", 0.3),
        ("나", 0.3), ("진", 0.3), ("지", 0.3), ("엄", 0.3), ("채", 0.3), ("원", 0.3), ("천", 0.2), ("방", 0.2),
        ("공", 0.2), ("현", 0.2), ("함", 0.2), ("변", 0.2), ("염", 0.2), ("여", 0.2), ("추", 0.1), ("도", 0.1),
        ("소", 0.1), ("석", 0.1), ("선", 0.1), ("설", 0.1), ("마", 0.1), ("길", 0.1), ("연", 0.1), ("위", 0.1),
        ("표", 0.1), ("명", 0.1), ("기", 0.1), ("반", 0.1), ("왕", 0.1), ("금", 0.1), ("옥", 0.1), ("육", 0.1),
        ("인", 0.1), ("맹", 0.1), ("제", 0.1), ("모", 0.1), ("남궁", 0.05), ("탁", 0.05), ("국", 0.05), ("황보", 0.03),
        ("제갈", 0.02), ("선우", 0.02), ("독고", 0.01),
    ]);

    private static readonly string[] MaleBefore1960 =
    ["영수", "영호", "영철", "영식", "정호", "성수", "상철", "광수", "종수", "정수", "성호", "상호", "병철", "재호", "용수", "종호", "동수", "영길", "순철", "기철"];

    private static readonly string[] Male1960To1979 =
    ["성호", "성훈", "정훈", "상훈", "성진", "재훈", "동현", "준호", "민수", "영훈", "지훈", "정민", "성민", "현철", "재현", "성철", "승호", "진호", "경호", "태호"];

    private static readonly string[] Male1980To1999 =
    ["지훈", "현우", "동현", "성민", "준호", "민수", "준영", "민준", "진우", "승현", "준혁", "상현", "민재", "태현", "우진", "현준", "건우", "승민", "민석", "재원"];

    private static readonly string[] MaleFrom2000 =
    ["민준", "서준", "도윤", "예준", "시우", "하준", "주원", "지호", "지후", "준우", "준서", "도현", "건우", "현우", "우진", "선우", "서진", "연우", "유준", "정우"];

    private static readonly string[] FemaleBefore1960 =
    ["영숙", "정숙", "순자", "영희", "미숙", "경숙", "영자", "정희", "명숙", "경희", "순희", "옥순", "정자", "말순", "춘자", "영순", "숙자", "순옥", "현숙", "영애"];

    private static readonly string[] Female1960To1979 =
    ["미경", "미영", "은정", "현정", "은영", "지영", "미정", "선영", "혜진", "은희", "경미", "미란", "정은", "수진", "현주", "미숙", "윤정", "은숙", "혜경", "선희"];

    private static readonly string[] Female1980To1999 =
    ["지영", "수진", "지현", "은지", "민지", "지은", "혜진", "유진", "수연", "지혜", "민정", "소연", "하나", "예진", "수빈", "은비", "지원", "보람", "다은", "아름"];

    private static readonly string[] FemaleFrom2000 =
    ["서연", "서윤", "지우", "서현", "민서", "하은", "하윤", "윤서", "지유", "지민", "채원", "수아", "지아", "다은", "예은", "소율", "예린", "시은", "수빈", "유나"];

    public static string GivenName(Random rng, Gender gender, int birthYear)
    {
        var list = (gender, birthYear) switch
        {
            (Gender.Female, < 1960) => FemaleBefore1960,
            (Gender.Female, < 1980) => Female1960To1979,
            (Gender.Female, < 2000) => Female1980To1999,
            (Gender.Female, _) => FemaleFrom2000,
            (_, < 1960) => MaleBefore1960,
            (_, < 1980) => Male1960To1979,
            (_, < 2000) => Male1980To1999,
            _ => MaleFrom2000,
        };
        return rng.Pick(list);
    }

    public static string FullName(Random rng, string surname, Gender gender, int birthYear) =>
        surname + GivenName(rng, gender, birthYear);

    private static readonly string[] HanziSurnames = ["王", "李", "張", "劉", "陳", "楊", "黃", "林", "吳", "周"];
    private static readonly string[] HanziGivenMale = ["建民", "志明", "家豪", "俊傑", "文雄", "國華"];
    private static readonly string[] HanziGivenFemale = ["美玲", "淑芬", "雅婷", "怡君", "秀英", "佳穎"];
    private static readonly string[] LatinSurnames = ["NGUYEN", "TRAN", "SMITH", "JOHNSON", "GARCIA", "SANTOS", "IVANOV", "TANAKA"];
    private static readonly string[] LatinGivenMale = ["VAN AN", "MINH", "JOHN", "DAVID", "JOSE", "ALEXEI", "HIROSHI"];
    private static readonly string[] LatinGivenFemale = ["THI LAN", "THI MAI", "MARY", "SARAH", "MARIA", "ANNA", "YUKI"];

    /// <summary>
    /// A registered foreign resident's name as the passport or alien registration card writes it: Hanzi for
    /// Chinese and Taiwanese residents, upper-case Latin (surname first) for others.
    /// </summary>
    public static (string Name, NameScript Script) ForeignName(Random rng, Gender gender)
    {
        var female = gender == Gender.Female;
        return rng.NextDouble() < 0.5
            ? (rng.Pick(HanziSurnames) + rng.Pick(female ? HanziGivenFemale : HanziGivenMale), NameScript.Hanzi)
            : (rng.Pick(LatinSurnames) + " " + rng.Pick(female ? LatinGivenFemale : LatinGivenMale), NameScript.Latin);
    }

    private static readonly string[] CompanyStems =
    ["한빛", "대한", "동양", "신성", "우리", "미래", "태평양", "금강", "삼진", "영진", "한솔", "세진", "대성", "동원", "성우", "청솔", "유진", "해성", "진흥", "서해"];

    private static readonly string[] CompanyKinds =
    ["산업", "물산", "건설", "상사", "전자", "식품", "운수", "정밀", "기계", "유통", "화학", "테크", "에너지", "물류", "섬유"];

    public static string CompanyName(Random rng) => "(주)" + rng.Pick(CompanyStems) + rng.Pick(CompanyKinds);

    private static readonly string[] MailDomains = ["naver.com", "naver.com", "naver.com", "gmail.com", "gmail.com", "daum.net", "hanmail.net", "kakao.com", "nate.com"];

    /// <summary>An e-mail address with a random ASCII local part (names are not romanised).</summary>
    public static string Email(Random rng, int birthYear)
    {
        Span<char> local = stackalloc char[rng.Next(5, 10)];
        for (var i = 0; i < local.Length; i++)
        {
            local[i] = (char)('a' + rng.Next(26));
        }
        return string.Concat(local, (birthYear % 100).ToString("D2", System.Globalization.CultureInfo.InvariantCulture), "@", rng.Pick(MailDomains));
    }
}
