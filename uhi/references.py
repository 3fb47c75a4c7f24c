"""Bibliography of uhi: every paper, guide and dataset the package's formulas, constants and defaults rely on.

One keyed table, :data:`REFERENCES`. Docstrings, data files (``data/interventions.toml`` ``sources``,
the ``[key]`` tags in ``data/landcover.csv``) and the HTML report refer to these keys, so a user can
always follow a number back to its source.

>>> from uhi.references import cite
>>> cite("jimenez-munoz2014")
'Jiménez-Muñoz et al. (2014), IEEE Geosci. Remote Sens. Lett. 11(10):1840-1843, doi:10.1109/LGRS.2014.2312032'

Entries marked ``note="web page"`` are grey literature (agency pages, press, reports) kept because a
catalogue number was read there; prefer the peer-reviewed entries where both exist.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from dataclasses import dataclass

from .errors import InputValueError

__all__ = ["REFERENCES", "Reference", "bibliography", "bibliography_html", "cite", "get_reference", "keys_in_text"]


_PERSON = re.compile(r".+ (?:[A-Z]\.-?)+")


@dataclass(frozen=True)
class Reference:
    """One bibliographic entry.

    ``authors`` is "Surname I., Surname I., ..." (or an organisation); ``volume_pages`` is
    "vol(issue):pages" or an article number; ``doi`` without the ``https://doi.org/`` prefix.
    """

    key: str
    authors: str
    year: str
    title: str
    journal: str
    volume_pages: str = ""
    doi: str = ""
    url: str = ""
    note: str = ""

    @property
    def short(self) -> str:
        """Author-year form: "Sobrino et al. (2004)", "Bao, Li & Yu (2015)" -> "Bao et al. (2015)", an organisation verbatim."""
        people = [p for p in self.authors.split(", ") if p != "et al."]
        if self.authors.endswith(".") and all(_PERSON.fullmatch(p) for p in people):
            surnames = [p.rsplit(" ", 1)[0] for p in people]
            many = len(surnames) > 2 or "et al." in self.authors
            who = f"{surnames[0]} et al." if many else " & ".join(surnames)
        else:
            who = self.authors
        return f"{who} ({self.year})"

    @property
    def link(self) -> str:
        """``https://doi.org/<doi>`` if there is a DOI, else the URL (may be empty)."""
        return f"https://doi.org/{self.doi}" if self.doi else self.url

    def cite(self) -> str:
        """Short citation: "Author et al. (year), Journal vol:pages, doi:..." (or the URL)."""
        parts = [self.short]
        venue = " ".join(p for p in (self.journal, self.volume_pages) if p)
        if venue:
            parts.append(venue)
        if self.doi:
            parts.append(f"doi:{self.doi}")
        elif self.url:
            parts.append(self.url)
        return ", ".join(parts)

    def full(self) -> str:
        """Full reference: "Authors (year). Title. Journal vol:pages. https://doi.org/..."."""
        text = f"{self.authors} ({self.year}). {self.title.rstrip('.')}."
        venue = " ".join(p for p in (self.journal, self.volume_pages) if p)
        if venue:
            text += f" {venue}."
        if self.link:
            text += f" {self.link}"
        if self.note:
            text += f" [{self.note}]"
        return text


def _r(key, authors, year, title, journal, volume_pages="", doi="", url="", note=""):
    return key, Reference(key, authors, str(year), title, journal, volume_pages, doi, url, note)


#: Every source of uhi, by key.
REFERENCES: dict[str, Reference] = dict([
    # --- Landsat products and land-surface temperature ------------------------------------------------
    _r("usgs-l8-handbook", "U.S. Geological Survey", 2019, "Landsat 8 (L8) Data Users Handbook, LSDS-1574 version 5.0",
       "USGS EROS, Sioux Falls", url="https://www.usgs.gov/landsat-missions/landsat-8-data-users-handbook"),
    _r("usgs-l1-product", "U.S. Geological Survey", "n.d.", "Using the USGS Landsat Level-1 data product",
       "USGS Landsat Missions", url="https://www.usgs.gov/landsat-missions/using-usgs-landsat-level-1-data-product",
       note="web page"),
    _r("usgs-c2l2-guide", "U.S. Geological Survey", "n.d.", "Landsat 8-9 OLI/TIRS Collection 2 Level 2 Science Product Guide, LSDS-1619",
       "USGS EROS, Sioux Falls",
       url="https://www.usgs.gov/media/files/landsat-8-9-collection-2-level-2-science-product-guide"),
    _r("gee-landsat-c2l2", "Google Earth Engine Data Catalog", "n.d.", "USGS Landsat 9 Level 2, Collection 2, Tier 1 (LANDSAT/LC09/C02/T1_L2): band table, QA_PIXEL bits, caveats",
       "Google Earth Engine", url="https://developers.google.com/earth-engine/datasets/catalog/LANDSAT_LC09_C02_T1_L2",
       note="web page"),
    _r("cook2014", "Cook M., Schott J.R., Mandel J., Raqueno N.", 2014,
       "Development of an operational calibration methodology for the Landsat thermal data archive and initial testing of the "
       "atmospheric compensation component of a land surface temperature (LST) product from the archive",
       "Remote Sens.", "6(11):11244-11266", doi="10.3390/rs61111244"),
    _r("sobrino2004", "Sobrino J.A., Jiménez-Muñoz J.C., Paolini L.", 2004, "Land surface temperature retrieval from LANDSAT TM 5",
       "Remote Sens. Environ.", "90(4):434-440", doi="10.1016/j.rse.2004.02.003"),
    _r("sobrino2008", "Sobrino J.A., Jiménez-Muñoz J.C., Sòria G., Romaguera M., Guanter L., Moreno J., Plaza A., Martínez P.", 2008,
       "Land surface emissivity retrieval from different VNIR and TIR sensors", "IEEE Trans. Geosci. Remote Sens.", "46(2):316-327",
       doi="10.1109/TGRS.2007.904834"),
    _r("mildrexler2011", "Mildrexler D.J., Zhao M., Running S.W.", 2011,
       "Satellite finds highest land skin temperatures on Earth", "Bull. Am. Meteorol. Soc.", "92(7):855-860",
       doi="10.1175/2011BAMS3067.1"),
    _r("scambos2018", "Scambos T.A., Campbell G.G., Pope A., Haran T., Muto A., Lazzara M., Reijmer C.H., van den Broeke M.R.",
       2018, "Ultralow surface temperatures in East Antarctica from satellite thermal infrared mapping: the coldest places "
       "on Earth", "Geophys. Res. Lett.", "45(12):6124-6133", doi="10.1029/2018GL078133"),
    _r("montanaro2015", "Montanaro M., Gerace A., Rohrbach S.", 2015,
       "Toward an operational stray light correction for the Landsat 8 Thermal Infrared Sensor", "Appl. Opt.",
       "54(13):3963-3978", doi="10.1364/AO.54.003963"),
    _r("yu2014", "Yu X., Guo X., Wu Z.", 2014,
       "Land surface temperature retrieval from Landsat 8 TIRS - comparison between radiative transfer equation-based method, "
       "split window algorithm and single channel method", "Remote Sens.", "6(10):9829-9852", doi="10.3390/rs6109829"),
    _r("du2015", "Du C., Ren H., Qin Q., Meng J., Zhao S.", 2015,
       "A practical split-window algorithm for estimating land surface temperature from Landsat 8 data", "Remote Sens.",
       "7(1):647-665", doi="10.3390/rs70100647"),
    _r("avdan2016", "Avdan U., Jovanovska G.", 2016,
       "Algorithm for automated mapping of land surface temperature using LANDSAT 8 satellite data", "J. Sensors",
       "2016:1480307", doi="10.1155/2016/1480307"),
    _r("jimenez-munoz2014", "Jiménez-Muñoz J.C., Sobrino J.A., Skoković D., Mattar C., Cristóbal J.", 2014,
       "Land surface temperature retrieval methods from Landsat-8 thermal infrared sensor data",
       "IEEE Geosci. Remote Sens. Lett.", "11(10):1840-1843", doi="10.1109/LGRS.2014.2312032"),
    _r("jimenez-munoz2009", "Jiménez-Muñoz J.C., Cristóbal J., Sobrino J.A., Sòria G., Ninyerola M., Pons X.", 2009,
       "Revision of the single-channel algorithm for land surface temperature retrieval from Landsat thermal-infrared data",
       "IEEE Trans. Geosci. Remote Sens.", "47(1):339-349", doi="10.1109/TGRS.2008.2007125"),
    _r("cran-lst", "LST package authors", "n.d.", "LST: calculate land surface temperature (R package; E_Sobrino, E_Skokovic, SCA, RTE, MWA)",
       "CRAN", url="https://CRAN.R-project.org/package=LST", note="software"),
    _r("pylandtemp", "pylandtemp developers", "n.d.", "pylandtemp: land surface temperature from Landsat 8 (emissivity and split-window code)",
       "GitHub", url="https://github.com/pylandtemp/pylandtemp", note="software; see the errors noted in uhi.constants"),
    _r("r-water", "Olmedo G.F., Ortega-Farías S., Fonseca-Luengo D., de la Fuente-Sáiz D., Fuentes-Peñailillo F.", "n.d.",
       "water: actual evapotranspiration with energy balance models (R package; surfaceTemperature())",
       "CRAN", url="https://CRAN.R-project.org/package=water", note="software"),
    _r("i-landsat8-swlst", "Alexandris N.", "n.d.", "i.landsat8.swlst: split-window LST for Landsat 8 (GRASS GIS add-on; Du et al. 2015 coefficient tables)",
       "GitHub", url="https://github.com/NikosAlexandris/i.landsat8.swlst", note="software"),
    _r("rouse1974", "Rouse J.W., Haas R.H., Schell J.A., Deering D.W.", 1974,
       "Monitoring vegetation systems in the Great Plains with ERTS", "Third ERTS Symposium, NASA SP-351", "1:309-317",
       url="https://ntrs.nasa.gov/citations/19740022614"),
    _r("carlson1997", "Carlson T.N., Ripley D.A.", 1997,
       "On the relation between NDVI, fractional vegetation cover, and leaf area index", "Remote Sens. Environ.",
       "62(3):241-252", doi="10.1016/S0034-4257(97)00104-1"),
    _r("wan2004", "Wan Z., Zhang Y., Zhang Q., Li Z.-L.", 2004,
       "Quality assessment and validation of the MODIS global land surface temperature", "Int. J. Remote Sens.",
       "25(1):261-274", doi="10.1080/0143116031000116417"),
    # --- UHI metrics ------------------------------------------------------------------------------------
    _r("gee-urban-rural", "Cloud-Based Remote Sensing with Google Earth Engine (course module, week 09)", "n.d.",
       "Defining urban and rural references", "rsgee course material", url="https://sounny.github.io/rsgee/",
       note="web page"),
    _r("chakraborty2019", "Chakraborty T., Lee X.", 2019,
       "A simplified urban-extent algorithm to characterize surface urban heat islands on a global scale and examine "
       "vegetation control on their spatiotemporal variability", "Int. J. Appl. Earth Obs. Geoinf.", "74:269-280",
       doi="10.1016/j.jag.2018.09.015"),
    _r("scirep2026-bluegreen", "Scientific Reports authors", 2026,
       "Designing multisource blue-green cooling networks (Table 4: five thermal zones by mean +- k standard deviations)",
       "Sci. Rep.", doi="10.1038/s41598-026-39813-9", note="authors and DOI not verified against a bibliographic record"),
    _r("zhang2006", "Zhang Y., Yu T., Gu X., Zhang Y., Chen L., Yu S., Zhang W., Li X.", 2006,
       "Land surface temperature retrieval from CBERS-02 IRMSS thermal infrared data and its applications in quantitative "
       "analysis of urban heat island effect", "J. Remote Sens. (China)", "10(5):789-797",
       note="UTFVI class table; primary text not retrieved"),
    _r("liu2011", "Liu L., Zhang Y.", 2011,
       "Urban heat island analysis using the Landsat TM data and ASTER data: a case study in Hong Kong", "Remote Sens.",
       "3(7):1535-1552", doi="10.3390/rs3071535"),
    _r("utfvi-gee-script", "ULebbie (GitHub user)", "n.d.", "EO-Based-Urban-Thermal-Dynamics: Google Earth Engine UTFVI script",
       "GitHub", url="https://github.com/ULebbie/EO-Based-Urban-Thermal-Dynamics", note="software"),
    _r("getis1992", "Getis A., Ord J.K.", 1992, "The analysis of spatial association by use of distance statistics",
       "Geogr. Anal.", "24(3):189-206", doi="10.1111/j.1538-4632.1992.tb00261.x"),
    _r("ord1995", "Ord J.K., Getis A.", 1995,
       "Local spatial autocorrelation statistics: distributional issues and an application", "Geogr. Anal.",
       "27(4):286-306", doi="10.1111/j.1538-4632.1995.tb00912.x"),
    _r("esda", "PySAL developers", "n.d.", "esda: exploratory spatial data analysis (esda.G_Local)", "GitHub",
       url="https://github.com/pysal/esda", note="software"),
    _r("arcgis-hotspot", "Esri", "n.d.", "How Hot Spot Analysis (Getis-Ord Gi*) works", "ArcGIS Pro documentation",
       url="https://pro.arcgis.com/en/pro-app/latest/tool-reference/spatial-statistics/h-how-hot-spot-analysis-getis-ord-gi-spatial-stati.htm",
       note="web page"),
    _r("benjamini1995", "Benjamini Y., Hochberg Y.", 1995,
       "Controlling the false discovery rate: a practical and powerful approach to multiple testing", "J. R. Stat. Soc. B",
       "57(1):289-300", doi="10.1111/j.2517-6161.1995.tb02031.x"),
    _r("wu2024", "Wu T., Wang X., Xuan L., Yan Z., Wang C., Du C., Su Y., Duan J., Yu K.", 2024,
       "How to plan urban parks and the surrounding buildings to maximize the cooling effect: a case study in Xi'an, China",
       "Land", "13(8):1117", doi="10.3390/land13081117"),
    _r("bowler2010", "Bowler D.E., Buyung-Ali L., Knight T.M., Pullin A.S.", 2010,
       "Urban greening to cool towns and cities: a systematic review of the empirical evidence", "Landsc. Urban Plan.",
       "97(3):147-155", doi="10.1016/j.landurbplan.2010.05.006"),
    _r("doick2014", "Doick K.J., Peace A., Hutchings T.R.", 2014,
       "The role of one large greenspace in mitigating London's nocturnal urban heat island", "Sci. Total Environ.",
       "493:662-671", doi="10.1016/j.scitotenv.2014.06.048"),
    _r("zhang2024", "Zhang J., Zhao J., Pang B., Liu S.", 2024,
       "Calculation of the optimal scale of urban green space for alleviating surface urban heat islands: a case study of "
       "Xi'an, China", "Land", "13(7):1043", doi="10.3390/land13071043"),
    # --- Heat risk ----------------------------------------------------------------------------------------
    _r("ipcc2014", "IPCC", 2014,
       "Climate Change 2014: Impacts, Adaptation, and Vulnerability. Contribution of Working Group II to the Fifth "
       "Assessment Report of the Intergovernmental Panel on Climate Change", "Cambridge University Press",
       url="https://www.ipcc.ch/report/ar5/wg2/"),
    _r("estoque2020", "Estoque R.C., Ooba M., Seposo X.T., Togawa T., Hijioka Y., Takahashi K., Nakamura S.", 2020,
       "Heat health risk assessment in Philippine cities using remotely sensed data and social-ecological indicators",
       "Nat. Commun.", "11:1581", doi="10.1038/s41467-020-15218-8"),
    _r("bao2015", "Bao J., Li X., Yu C.", 2015, "The construction and validation of the heat vulnerability index, a review",
       "Int. J. Environ. Res. Public Health", "12(7):7220-7234", doi="10.3390/ijerph120707220"),
    _r("reid2009", "Reid C.E., O'Neill M.S., Gronlund C.J., Brines S.J., Brown D.G., Diez-Roux A.V., Schwartz J.", 2009,
       "Mapping community determinants of heat vulnerability", "Environ. Health Perspect.", "117(11):1730-1736",
       doi="10.1289/ehp.0900683"),
    _r("chuang2015", "Chuang W.-C., Gober P.", 2015,
       "Predicting hospitalization for heat-related illness at the census-tract level: accuracy of a generic heat "
       "vulnerability index in Phoenix, Arizona (USA)", "Environ. Health Perspect.", "123(6):606-612",
       doi="10.1289/ehp.1307868"),
    _r("blazejczyk2013", "Błażejczyk K., Jendritzky G., Bröde P., Fiala D., Havenith G., Epstein Y., Psikuta A., "
       "Kampmann B.", 2013, "An introduction to the Universal Thermal Climate Index (UTCI)", "Geogr. Pol.", "86(1):5-10",
       doi="10.7163/GPol.2013.1"),
    _r("brode2012", "Bröde P., Fiala D., Błażejczyk K., Holmér I., Jendritzky G., Kampmann B., Tinz B., Havenith G.", 2012,
       "Deriving the operational procedure for the Universal Thermal Climate Index (UTCI)", "Int. J. Biometeorol.",
       "56(3):481-494", doi="10.1007/s00484-011-0454-1"),
    _r("dijkstra2021", "Dijkstra L., Florczyk A.J., Freire S., Kemper T., Melchiorri M., Pesaresi M., Schiavina M.", 2021,
       "Applying the Degree of Urbanisation to the globe: a new harmonised definition reveals a different picture of "
       "global urbanisation", "J. Urban Econ.", "125:103312", doi="10.1016/j.jue.2020.103312"),
    _r("be-ready", "Interreg Danube Region", "2024",
       "Be Ready - UrBan hEat islands REsilience, prepAreDness and mitigation strategY (DRP0200793): vulnerability "
       "self-assessment tools", "Interreg Danube Region 2021-2027", url="https://be-uhi-ready.net/vulnerability-assessment-tools",
       note="web page"),
    # --- Intervention effect sizes and costs --------------------------------------------------------------
    _r("schwaab2021", "Schwaab J., Meier R., Mussetti G., Seneviratne S., Bürgi C., Davin E.L.", 2021,
       "The role of urban trees in reducing land surface temperatures in European cities", "Nat. Commun.", "12:6763",
       doi="10.1038/s41467-021-26768-w"),
    _r("marando2022", "Marando F., Heris M.P., Zulian G., Udías A., Mentaschi L., Chrysoulakis N., Parastatidis D., Maes J.", 2022,
       "Urban heat island mitigation by green infrastructure in European Functional Urban Areas", "Sustain. Cities Soc.",
       "77:103564", doi="10.1016/j.scs.2021.103564"),
    _r("iungman2023", "Iungman T., Cirach M., Marando F., Pereira Barboza E., Khomenko S., Masselot P., Quijal-Zamorano M., "
       "Mueller N., Gasparrini A., Urquiza J., Heris M., Thondoo M., Nieuwenhuijsen M.", 2023,
       "Cooling cities through urban green infrastructure: a health impact assessment of European cities", "Lancet",
       "401(10376):577-589", doi="10.1016/S0140-6736(22)02585-5"),
    _r("ziter2019", "Ziter C.D., Pedersen E.J., Kucharik C.J., Turner M.G.", 2019,
       "Scale-dependent interactions between tree canopy cover and impervious surfaces reduce daytime urban heat during "
       "summer", "Proc. Natl. Acad. Sci. USA", "116(15):7575-7580", doi="10.1073/pnas.1817561116"),
    _r("knight2021", "Knight T., Price S., Bowler D., Hookway A., King S., Konno K., Richter R.L.", 2021,
       "How effective is 'greening' of urban areas in reducing human exposure to ground-level ozone concentrations, UV "
       "exposure and the 'urban heat island effect'? An updated systematic review", "Environ. Evid.", "10:12",
       doi="10.1186/s13750-021-00226-y"),
    _r("santamouris2014", "Santamouris M.", 2014,
       "Cooling the cities - a review of reflective and green roof mitigation technologies to fight heat island and improve "
       "comfort in urban environments", "Sol. Energy", "103:682-703", doi="10.1016/j.solener.2012.07.003"),
    _r("javits-green-roof", "Drexel University / The Cooper Union research team (Montalto F. et al.)", "n.d.",
       "Microclimate before and after the 27,500 m2 extensive green roof of the Jacob K. Javits Convention Center, "
       "New York City", "journal article as excerpted on Scribd", url="https://www.scribd.com/document/844101418/1st-2",
       note="journal record not verified; replace with the published article"),
    _r("quaranta2021", "Quaranta E., Dorati C., Pistocchi A.", 2021,
       "Water, energy and climate benefits of urban greening throughout Europe under different climatic scenarios",
       "Sci. Rep.", "11:12163", doi="10.1038/s41598-021-88141-7"),
    _r("living-walls-review", "Preprints.org authors", 2023, "Review of living walls and facade greening (preprint 202306.0856)",
       "Preprints.org", doi="10.20944/preprints202306.0856.v1", note="preprint, not peer reviewed"),
    _r("jccr-vgs", "J. Climate Change Research (Korea) authors", "n.d.",
       "Vertical greening system and wall surface temperature, ENVI-met simulation", "J. Climate Change Res.",
       url="https://www.jccr.re.kr", note="article record not verified"),
    _r("epa-cool-roofs", "U.S. Environmental Protection Agency", 2021, "Using cool roofs to reduce heat islands",
       "US EPA Heat Islands", url="https://www.epa.gov/heatislands/using-cool-roofs-reduce-heat-islands", note="web page"),
    _r("estrada2017", "Estrada F., Botzen W.J.W., Tol R.S.J.", 2017,
       "A global economic assessment of city policies to reduce climate change impacts", "Nat. Clim. Change", "7(6):403-406",
       doi="10.1038/nclimate3301"),
    _r("gcca", "Global Cool Cities Alliance", "n.d.",
       "Cool roofs and pavements: Estrada et al. 2017 summary and the Washington DC smart-roof cost study",
       "Global Cool Cities Alliance", url="https://globalcoolcities.org", note="web page"),
    _r("simplesteps-cool-roofs", "SimpleSteps (Natural Resources Defense Council)", "n.d.",
       "Cool roofs: cost premium over conventional roofing (EPA-derived)", "simplesteps.org",
       url="https://www.simplesteps.org", note="web page"),
    _r("amani2025", "Amani M.J., Tanzadeh R., Moghadas Nejad F., Kabiri Nasrabad M.M., Chalabii J., Movahedi Rad M.", 2025,
       "Urban sustainability through pavement technologies: reducing urban heat islands with cool pavements", "Buildings",
       "15(3):504", doi="10.3390/buildings15030504"),
    _r("lbnl-pavements", "Lawrence Berkeley National Laboratory, Heat Island Group", 2012,
       "Cool pavements: pavement albedo (new asphalt ~0.05, aged 0.10-0.20, cool 0.30-0.50)", "LBNL",
       url="https://heatisland.lbl.gov", note="web page"),
    _r("cool-texas-pavements", "Cool Texas Buildings", "n.d.", "Cool pavements (LBNL: +0.25 albedo ~ -0.6 degC air)",
       "cooltexasbuildings.net", url="https://www.cooltexasbuildings.net", note="web page, secondary"),
    _r("taipei-permeable", "National Taipei University of Technology authors", "n.d.",
       "Surface temperature of an in-use permeable pavement sidewalk in Taipei, one year of monitoring", "abstract in SafetyLit",
       url="https://www.safetylit.org/citations/index.php?fuseaction=citations.viewdetails&citationIds[]=citjournalarticle_782631_19",
       note="journal record not verified"),
    _r("permeable-concrete", "J. Cleaner Production authors", "n.d.",
       "Heat release of permeable versus conventional concrete on sunny days and after rain", "J. Clean. Prod. (summary)",
       url="https://www.gcoportal.com", note="secondary summary; article record not verified"),
    _r("buildup-permeable", "BUILD UP (European Commission)", "n.d.",
       "Permeable pavements and urban heat: cooling depends on moisture (after Qin & Hiller)", "BUILD UP portal",
       url="https://build-up.ec.europa.eu", note="web page, secondary"),
    _r("jandaghian2024", "Jandaghian Z., Colombo A.", 2024,
       "The role of water bodies in climate regulation: insights from recent studies on urban heat island mitigation",
       "Buildings", "14(9):2945", doi="10.3390/buildings14092945"),
    _r("urban-green-blue-grids", "Urban Green-Blue Grids for Resilient Cities", "n.d.",
       "Water squares, fountains and still water: cooling effect", "urbangreenbluegrids.com",
       url="https://urbangreenbluegrids.com", note="web page"),
    _r("realcool", "Amsterdam University of Applied Sciences (REALCOOL project)", "n.d.",
       "REALCOOL: design prototypes for cool outdoor spaces (ENVI-met PET) and Amsterdam measurements", "publinova",
       url="https://www.publinova.nl", note="project abstracts"),
    _r("buildings2024-misting", "Dongguan University of Technology authors", 2024,
       "Mist spraying as an outdoor cooling spot in hot-humid areas: effect of ambient environment and impact on short-term "
       "thermal perception", "Buildings", "14(2):336", doi="10.3390/buildings14020336"),
    _r("ulpiani2019", "Ulpiani G.", 2019,
       "Water mist spray for outdoor cooling: a systematic review of technologies, methods and impacts", "Appl. Energy",
       "254:113647", doi="10.1016/j.apenergy.2019.113647"),
    _r("atmosphere2023-misting", "Kobe University Urban Environmental Engineering Laboratory authors", 2023,
       "Experimental verification of mist cooling effect in front of air-conditioning condenser unit, open space, and bus stop",
       "Atmosphere", "14(1):177", doi="10.3390/atmos14010177"),
    _r("iso7243", "International Organization for Standardization", 2017,
       "ISO 7243:2017 Ergonomics of the thermal environment - Assessment of heat stress using the WBGT (wet bulb globe "
       "temperature) index", "ISO, Geneva", url="https://www.iso.org/standard/67188.html", note="standard"),
    _r("ecomii-green-roof", "ecomii", "n.d.", "Green roof (cost of extensive green roofs, $12-24/ft2)", "ecomii.com",
       url="http://www.ecomii.com", note="low-quality encyclopedia page; replace with a local cost"),
    _r("soares2011", "Soares A.L., Rego F.C., McPherson E.G., Simpson J.R., Peper P.J., Xiao Q.", 2011,
       "Benefits and costs of street trees in Lisbon, Portugal", "Urban For. Urban Green.", "10(2):69-78",
       url="http://www.repository.utl.pt/handle/10400.5/4265"),
    _r("thred-lisbon-trees", "Thred", "n.d.", "Lisbon street trees: ~EUR 2,000 per new tree incl. establishment maintenance",
       "thred.com", url="https://thred.com", note="press article"),
    _r("ioew-bremen-trees", "Institut für ökologische Wirtschaftsforschung (IÖW)", "n.d.",
       "Street trees in Bremen: cost-benefit fact sheet", "ioew.de", url="https://www.ioew.de", note="fact sheet"),
    _r("krayenhoff2021", "Krayenhoff E.S., Broadbent A.M., Zhao L., Georgescu M., Middel A., Voogt J.A., Martilli A., "
       "Sailor D.J., Erell E.", 2021,
       "Cooling hot cities: a systematic and critical review of the numerical modelling literature", "Environ. Res. Lett.",
       "16(5):053007", doi="10.1088/1748-9326/abdcf1"),
    _r("volker2013", "Völker S., Baumeister H., Claßen T., Hornberg C., Kistemann T.", 2013,
       "Evidence for the temperature-mitigating capacity of urban blue space - a health geographic perspective", "Erdkunde",
       "67(4):355-371", doi="10.3112/erdkunde.2013.04.05"),
    _r("masselot2023", "Masselot P., Mistry M., Vanoli J., et al.", 2023,
       "Excess mortality attributed to heat and cold: a health impact assessment study in 854 cities in Europe",
       "Lancet Planet. Health", "7(4):e271-e281", doi="10.1016/S2542-5196(23)00023-2"),
    # --- InVEST Urban Cooling Model and its inputs ----------------------------------------------------------
    _r("invest-ucm", "Natural Capital Project (Sharp R. et al.)", "n.d.", "InVEST User's Guide: Urban Cooling model",
       "Stanford University, Natural Capital Project",
       url="https://storage.googleapis.com/releases.naturalcapitalproject.org/invest-userguide/latest/en/urban_cooling_model.html"),
    _r("invest-code", "Natural Capital Project", "n.d.", "natcap/invest: src/natcap/invest/urban_cooling_model/urban_cooling_model.py",
       "GitHub", url="https://github.com/natcap/invest", note="software"),
    _r("pygeoprocessing", "Natural Capital Project", "n.d.", "pygeoprocessing: kernels.py (exponential-decay and disc kernels)",
       "GitHub", url="https://github.com/natcap/pygeoprocessing", note="software"),
    _r("zardo2017", "Zardo L., Geneletti D., Pérez-Soba M., Van Eupen M.", 2017,
       "Estimating the cooling capacity of green infrastructures to support urban planning", "Ecosyst. Serv.",
       "26:225-235", doi="10.1016/j.ecoser.2017.06.016"),
    _r("phelan2015", "Phelan P.E., Kaloush K., Miner M., Golden J., Phelan B., Silva H., Taylor R.A.", 2015,
       "Urban heat island: mechanisms, implications, and possible remedies", "Annu. Rev. Environ. Resour.", "40:285-307",
       doi="10.1146/annurev-environ-102014-021155"),
    _r("bosch2021", "Bosch M., Locatelli M., Hamel P., Remme R.P., Chenal J., Joost S.", 2021,
       "A spatially explicit approach to simulate urban heat mitigation with InVEST (v3.8.0)", "Geosci. Model Dev.",
       "14(6):3521-3537", doi="10.5194/gmd-14-3521-2021"),
    _r("hamel2024", "Hamel P., Bosch M., Tardieu L., Lemonsu A., de Munck C., Nootenboom C., Viguié V., Lonsdorf E., "
       "Douglass J.A., Sharp R.P.", 2024,
       "Calibrating and validating the Integrated Valuation of Ecosystem Services and Tradeoffs (InVEST) urban cooling "
       "model: case studies in France and the United States", "Geosci. Model Dev.", "17(12):4755-4771",
       doi="10.5194/gmd-17-4755-2024"),
    _r("kjellstrom2009", "Kjellstrom T., Holmer I., Lemke B.", 2009,
       "Workplace heat stress, health and productivity - an increasing challenge for low and middle-income countries "
       "during climate change", "Glob. Health Action", "2:2047", doi="10.3402/gha.v2i0.2047"),
    _r("acsm1984", "American College of Sports Medicine", 1984, "Prevention of thermal injuries during distance running",
       "Med. Sci. Sports Exerc.", "16(5):ix-xiv", doi="10.1249/00005768-198410000-00017"),
    _r("allen1998", "Allen R.G., Pereira L.S., Raes D., Smith M.", 1998,
       "Crop evapotranspiration - guidelines for computing crop water requirements (FAO Irrigation and Drainage Paper 56)",
       "FAO, Rome", url="https://www.fao.org/4/x0490e/x0490e00.htm"),
    _r("oke1987", "Oke T.R.", 1987, "Boundary Layer Climates, 2nd edition", "Methuen (Routledge), London",
       doi="10.4324/9780203407219"),
    _r("urban-atlas-2018", "Copernicus Land Monitoring Service", 2018, "Urban Atlas 2018 (land use / land cover nomenclature)",
       "European Environment Agency", url="https://land.copernicus.eu/en/products/urban-atlas"),
    # --- calibration and validation (uhi.calibrate, uhi.observations) ---------------------------------
    _r("storn1997", "Storn R., Price K.", 1997,
       "Differential evolution - a simple and efficient heuristic for global optimization over continuous spaces",
       "J. Global Optim.", "11(4):341-359", doi="10.1023/A:1008202821328"),
    _r("roberts2017", "Roberts D.R., Bahn V., Ciuti S., Boyce M.S., Elith J., Guillera-Arroita G., Hauenstein S., "
       "Lahoz-Monfort J.J., Schröder B., Thuiller W., Warton D.I., Wintle B.A., Hartig F., Dormann C.F.", 2017,
       "Cross-validation strategies for data with temporal, spatial, hierarchical, or phylogenetic structure", "Ecography",
       "40(8):913-929", doi="10.1111/ecog.02881"),
    _r("obrien2007", "O'Brien R.M.", 2007, "A caution regarding rules of thumb for variance inflation factors",
       "Qual. Quant.", "41(5):673-690", doi="10.1007/s11135-006-9018-6"),
    _r("gutman1998", "Gutman G., Ignatov A.", 1998,
       "The derivation of the green vegetation fraction from NOAA/AVHRR data for use in numerical weather prediction models",
       "Int. J. Remote Sens.", "19(8):1533-1543", doi="10.1080/014311698215333"),
    _r("oke1982", "Oke T.R.", 1982, "The energetic basis of the urban heat island", "Q. J. R. Meteorol. Soc.",
       "108(455):1-24", doi="10.1002/qj.49710845502"),
])


def get_reference(key: str) -> Reference:
    """The :class:`Reference` of ``key``; :class:`~uhi.errors.InputValueError` naming the key if unknown."""
    try:
        return REFERENCES[key]
    except KeyError:
        raise InputValueError(f"unknown reference key {key!r}; known keys are listed in uhi.references.REFERENCES") from None


def cite(key: str) -> str:
    """Short citation of ``key``: "Author et al. (year), Journal vol:pages, doi:..."."""
    return get_reference(key).cite()


def bibliography(keys: Iterable[str]) -> list[str]:
    """Full references of ``keys`` (duplicates dropped), sorted by first author."""
    refs = {k: get_reference(k) for k in keys}
    return [r.full() for r in sorted(refs.values(), key=lambda r: (r.authors.lower(), r.year))]


def bibliography_html(keys: Iterable[str], *, links: bool = False) -> str:
    """``<ol>`` of the full references of ``keys`` (empty string when no keys).

    The DOI / URL is printed as text; ``links=True`` also makes it a hyperlink (the HTML report keeps
    ``links=False`` so it references nothing outside the file).
    """
    refs = sorted({k: get_reference(k) for k in keys}.values(), key=lambda r: (r.authors.lower(), r.year))
    if not refs:
        return ""
    items = []
    for r in refs:
        text = html.escape(r.full().removesuffix(f" [{r.note}]" if r.note else "").removesuffix(r.link).rstrip())
        if r.link:
            text += f" <a href='{html.escape(r.link)}'>{html.escape(r.link)}</a>" if links else f" {html.escape(r.link)}"
        note = f" <i>({html.escape(r.note)})</i>" if r.note else ""
        items.append(f"<li id='ref-{html.escape(r.key)}'>{text}{note}</li>")
    return "<ol class='refs'>" + "".join(items) + "</ol>"


_KEY_TAG = re.compile(r"\[([a-z0-9][a-z0-9.\-]*(?:\s*[;,]\s*[a-z0-9][a-z0-9.\-]*)*)\]")


def keys_in_text(text: str) -> list[str]:
    """Reference keys tagged in free text as ``[key]`` or ``[key1; key2]`` (as in ``data/landcover.csv``)."""
    out: list[str] = []
    for group in _KEY_TAG.findall(text):
        out.extend(k for k in re.split(r"\s*[;,]\s*", group) if k)
    return out
