namespace InsureCrm.Core.Synthetic;

/// <summary>One 시/도 with its telephone area code, resident population (2023, thousands), 시/군/구 and postal-code range.</summary>
internal sealed record Sido(string Name, string AreaCode, double PopulationThousands, int PostalFrom, int PostalTo, string[] Sigungu);

/// <summary>The 17 시/도 of Korea; customers are drawn in proportion to population.</summary>
internal static class KoreanRegions
{
    public static readonly Sido[] All =
    [
        new("서울특별시", "02", 9386, 1, 9,
        [
            "종로구", "중구", "용산구", "성동구", "광진구", "동대문구", "중랑구", "성북구", "강북구", "도봉구", "노원구", "은평구", "서대문구",
            "마포구", "양천구", "강서구", "구로구", "금천구", "영등포구", "동작구", "관악구", "서초구", "강남구", "송파구", "강동구",
        ]),
        new("부산광역시", "051", 3293, 46, 49,
        [
            "중구", "서구", "동구", "영도구", "부산진구", "동래구", "남구", "북구", "해운대구", "사하구", "금정구", "강서구", "연제구", "수영구",
            "사상구", "기장군",
        ]),
        new("대구광역시", "053", 2374, 41, 43, ["중구", "동구", "서구", "남구", "북구", "수성구", "달서구", "달성군", "군위군"]),
        new("인천광역시", "032", 2997, 21, 23, ["중구", "동구", "미추홀구", "연수구", "남동구", "부평구", "계양구", "서구", "강화군", "옹진군"]),
        new("광주광역시", "062", 1419, 61, 62, ["동구", "서구", "남구", "북구", "광산구"]),
        new("대전광역시", "042", 1442, 34, 35, ["동구", "중구", "서구", "유성구", "대덕구"]),
        new("울산광역시", "052", 1104, 44, 45, ["중구", "남구", "동구", "북구", "울주군"]),
        new("세종특별자치시", "044", 386, 30, 30, ["세종시"]),
        new("경기도", "031", 13631, 10, 18,
        [
            "수원시", "성남시", "고양시", "용인시", "부천시", "안산시", "안양시", "남양주시", "화성시", "평택시", "의정부시", "시흥시", "파주시",
            "김포시", "광명시", "광주시", "군포시", "하남시", "오산시", "이천시", "안성시", "의왕시", "양주시", "구리시", "포천시", "동두천시",
            "과천시", "여주시", "양평군", "가평군", "연천군",
        ]),
        new("강원특별자치도", "033", 1528, 24, 26,
        [
            "춘천시", "원주시", "강릉시", "동해시", "태백시", "속초시", "삼척시", "홍천군", "횡성군", "영월군", "평창군", "정선군", "철원군",
            "화천군", "양구군", "인제군", "고성군", "양양군",
        ]),
        new("충청북도", "043", 1593, 27, 29, ["청주시", "충주시", "제천시", "보은군", "옥천군", "영동군", "증평군", "진천군", "괴산군", "음성군", "단양군"]),
        new("충청남도", "041", 2130, 31, 33,
        [
            "천안시", "공주시", "보령시", "아산시", "서산시", "논산시", "계룡시", "당진시", "금산군", "부여군", "서천군", "청양군", "홍성군",
            "예산군", "태안군",
        ]),
        new("전북특별자치도", "063", 1754, 54, 56,
        [
            "전주시", "군산시", "익산시", "정읍시", "남원시", "김제시", "완주군", "진안군", "무주군", "장수군", "임실군", "순창군", "고창군", "부안군",
        ]),
        new("전라남도", "061", 1804, 57, 59,
        [
            "목포시", "여수시", "순천시", "나주시", "광양시", "담양군", "곡성군", "구례군", "고흥군", "보성군", "화순군", "장흥군", "강진군",
            "해남군", "영암군", "무안군", "함평군", "영광군", "장성군", "완도군", "진도군", "신안군",
        ]),
        new("경상북도", "054", 2554, 36, 40,
        [
            "포항시", "경주시", "김천시", "안동시", "구미시", "영주시", "영천시", "상주시", "문경시", "경산시", "의성군", "청송군", "영양군",
            "영덕군", "청도군", "고령군", "성주군", "칠곡군", "예천군", "봉화군", "울진군", "울릉군",
        ]),
        new("경상남도", "055", 3251, 50, 53,
        [
            "창원시", "진주시", "통영시", "사천시", "김해시", "밀양시", "거제시", "양산시", "의령군", "함안군", "창녕군", "고성군", "남해군",
            "하동군", "산청군", "함양군", "거창군", "합천군",
        ]),
        new("제주특별자치도", "064", 675, 63, 63, ["제주시", "서귀포시"]),
    ];

    /// <summary>Short forms used in branch names, in the order of <see cref="All"/>.</summary>
    public static readonly string[] ShortNames =
        ["서울", "부산", "대구", "인천", "광주", "대전", "울산", "세종", "경기", "강원", "충북", "충남", "전북", "전남", "경북", "경남", "제주"];

    /// <summary>Index into <see cref="All"/>, weighted by population.</summary>
    public static readonly WeightedTable<int> ByPopulation = new([.. All.Select((s, i) => (i, s.PopulationThousands))]);

    private static readonly string[] RoadStems =
    ["중앙로", "시청로", "역전로", "문화로", "공원로", "새마을로", "대학로", "번영로", "평화로", "신천로", "하늘길", "은행나무길", "강변로", "산업로", "학교길"];

    public static string AddressLine(Random rng)
    {
        var line = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{rng.Pick(RoadStems)} {rng.Next(1, 400)}");
        return rng.Chance(0.6)
            ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{line}, {rng.Next(101, 130)}동 {rng.Next(1, 26)}{rng.Next(1, 9):D2}호")
            : line;
    }

    public static string PostalCode(Random rng, Sido sido) =>
        (rng.Next(sido.PostalFrom, sido.PostalTo + 1) * 1000 + rng.Next(1000)).ToString("D5", System.Globalization.CultureInfo.InvariantCulture);
}
