"""SITC Rev.4 sections, divisions and groups that the sample's items fall in (UNSD names)."""

from __future__ import annotations

_NAMES = """
0|Food and live animals
01|Meat and meat preparations
011|Meat of bovine animals, fresh, chilled or frozen
012|Other meat and edible meat offal, fresh, chilled or frozen (except meat and meat offal unfit or unsuitable for human consumption)
02|Dairy products and birds’ eggs
022|Milk and cream and milk products other than butter or cheese
03|Fish (not marine mammals), crustaceans, molluscs and aquatic invertebrates, and preparations thereof
034|Fish, fresh (live or dead), chilled or frozen
036|Crustaceans, molluscs and aquatic invertebrates, whether in shell or not, fresh (live or dead), chilled, frozen, dried, salted or in brine; crustaceans, in shell, cooked by steaming or boiling in water, whether or not chilled, frozen, dried, salted or in brine; flours, meals and pellets of crustaceans or of aquatic invertebrates, fit for human consumption
05|Vegetables and fruit
057|Fruit and nuts (not including oil nuts), fresh or dried
09|Miscellaneous edible products and preparations
098|Edible products and preparations, n.e.s.
1|Beverages and tobacco
11|Beverages
111|Non-alcoholic beverages, n.e.s.
112|Alcoholic beverages
12|Tobacco and tobacco manufactures
122|Tobacco, manufactured (whether or not containing tobacco substitutes)
3|Mineral fuels, lubricants and related materials
33|Petroleum, petroleum products and related materials
334|Petroleum oils and oils obtained from bituminous minerals (other than crude); preparations, n.e.s., containing by weight 70% or more of petroleum oils or of oils obtained from bituminous minerals, these oils being the basic constituents of the preparations; waste oils
34|Gas, natural and manufactured
342|Liquefied propane and butane
343|Natural gas, whether or not liquefied
5|Chemicals and related products, n.e.s.
53|Dyeing, tanning and colouring materials
533|Pigments, paints, varnishes and related materials
54|Medicinal and pharmaceutical products
542|Medicaments (including veterinary medicaments)
55|Essential oils and resinoids and perfume materials; toilet, polishing and cleansing preparations
553|Perfumery, cosmetic or toilet preparations (excluding soaps)
554|Soap, cleansing and polishing preparations
57|Plastics in primary forms
571|Polymers of ethylene, in primary forms
572|Polymers of styrene, in primary forms
573|Polymers of vinyl chloride or of other halogenated olefins, in primary forms
574|Polyacetals, other polyethers and epoxide resins, in primary forms; polycarbonates, alkyd resins, polyallyl esters and other polyesters, in primary forms
575|Other plastics, in primary forms
58|Plastics in non-primary forms
582|Plates, sheets, film, foil and strip, of plastics
6|Manufactured goods classified chiefly by material
64|Paper, paperboard and articles of paper pulp, of paper or of paperboard
641|Paper and paperboard
642|Paper and paperboard, cut to size or shape, and articles of paper or paperboard
65|Textile yarn, fabrics, made-up articles, n.e.s., and related products
652|Cotton fabrics, woven (not including narrow or special fabrics)
653|Fabrics, woven, of man-made textile materials (not including narrow or special fabrics)
655|Knitted or crocheted fabrics (including tubular knit fabrics, n.e.s., pile fabrics and openwork fabrics), n.e.s.
656|Tulles, lace, embroidery, ribbons, trimmings and other smallwares
66|Non-metallic mineral manufactures, n.e.s.
667|Pearls and precious or semiprecious stones, unworked or worked
67|Iron and steel
674|Flat-rolled products of iron or non-alloy steel, clad, plated or coated
68|Non-ferrous metals
681|Silver, platinum and other metals of the platinum group
682|Copper
684|Aluminium
69|Manufactures of metals, n.e.s.
694|Nails, screws, nuts, bolts, rivets and the like, of iron, steel, copper or aluminium
699|Manufactures of base metal, n.e.s.
7|Machinery and transport equipment
71|Power-generating machinery and equipment
716|Rotating electric plant and parts thereof, n.e.s.
72|Machinery specialized for particular industries
723|Civil engineering and contractors' plant and equipment; parts thereof
726|Printing and bookbinding machinery and parts thereof
727|Food-processing machines (excluding domestic); parts thereof
728|Other machinery and equipment specialized for particular industries; parts thereof, n.e.s.
74|General industrial machinery and equipment, n.e.s., and machine parts, n.e.s.
741|Heating and cooling equipment and parts thereof, n.e.s.
742|Pumps for liquids, whether or not fitted with a measuring device; liquid elevators; parts for such pumps and liquid elevators
743|Pumps (other than pumps for liquids), air or other gas compressors and fans; ventilating or recycling hoods incorporating a fan, whether or not fitted with filters; centrifuges; filtering or purifying apparatus; parts thereof
746|Ball- or roller bearings
747|Taps, cocks, valves and similar appliances for pipes, boiler shells, tanks, vats or the like, including pressure-reducing valves and thermostatically controlled valves
75|Office machines and automatic data-processing machines
751|Office machines
752|Automatic data-processing machines and units thereof; magnetic or optical readers, machines for transcribing data onto data media in coded form and machines for processing such data, n.e.s.
759|Parts and accessories (other than covers, carrying cases and the like) suitable for use solely or principally with machines falling withing groups 751 and 752
76|Telecommunications and sound-recording and reproducing apparatus and equipment
761|Monitors and projectors, not incorporating television reception apparatus; reception apparatus for television, whether or not incorporating radio-broadcast receivers or sound or video recording or reproducing apparatus
762|Reception apparatus for radio-broadcasting, whether or not combined, in the same housing, with sound recording or reproducing apparatus or a clock
763|Sound recording or reproducing apparatus; video recording or reproducing apparatus; whether or not incorporating a video tuner
764|Telecommunications equipment, n.e.s., and parts, n.e.s., and accessories of apparatus falling within division 76
77|Electrical machinery, apparatus and appliances, n.e.s., and electrical parts thereof (including non-electrical counterparts, n.e.s., of electrical household-type equipment)
771|Electric power machinery (other than rotating electric plant of group 716) and parts thereof
772|Electrical apparatus for switching or protecting electrical circuits or for making connections to or in electrical circuits (e.g., switches, relays, fuses, lightning arresters, voltage limiters, surge suppressors, plugs and sockets, lamp-holders and junction boxes); electrical resistors (including rheostats and potentiometers), other than heating resistors; printed circuits; boards, panels (including numerical control panels), consoles, desks, cabinets and other bases, equipped with two or more apparatus for switching, protecting or for making connections to or in electrical circuits, for electric control or the distribution of electricity (excluding swithching apparatus of subgroup 764.1)
773|Equipment for distributing electricity, n.e.s.
775|Household-type electrical and non-electrical equipment, n.e.s.
776|Thermionic, cold cathode or photo-cathode valves and tubes (e.g., vacuum or vapour or gas-filled valves and tubes, mercury arc rectifying valves and tubes, cathode-ray tubes, television camera tubes); diodes, transistors and similar semiconductor devices; photosensitive semiconductor devices; light-emitting diodes; mounted piezoelectric crystals; electronic integrated circuits and microassembles; parts thereof
778|Electrical machinery and apparatus, n.e.s.
78|Road vehicles (including air-cushion vehicles)
781|Motor cars and other motor vehicles principally designed for the transport of persons (other than motor vehicles for the transport of ten or more persons, including the driver), including station-wagons and racing cars
784|Parts and accessories of the motor vehicles of groups 722, 781, 782 and 783
785|Motor cycles (including mopeds) and cycles, motorized and non-motirized; invalid carriages
8|Miscellaneous manufactured articles
81|Prefabricated buildings; sanitary, plumbing, heating and lighting fixtures and fittings, n.e.s.
813|Lighting fixtures and fittings, n.e.s.
82|Furniture and parts thereof; bedding, mattresses, mattress supports, cushions and similar stuffed furnishings
821|Furniture and parts thereof; bedding, mattresses, mattress supports, cushions and similar stuffed furnishings
83|Travel goods, handbags and similar containers
831|Trunks, suitcases, vanity cases, executive cases, briefcases, school satches, spectacle cases, binocular cases, camera cases, musical instrument cases, gun cases, holsters and similar containers; travelling bags, insulated food or beverages bags, toilet bags, rucksacks, handbags, shopping bags, wallets, purses, map cases, cigarette cases, tobacco pouches, tool bags, sports bags, bottle cases, jewellery boxes, powder boxes, cutlery cases and similar containers, of leather or of composition leather, of sheeting of plastics, of textile materials, of vulcanized fibre or of paperboard, or wholly or mainly covered with such materials or with paper; travel sets for personal toilet, sewing or shoe or clothes cleaning
84|Articles of apparel and clothing accessories
841|Men's or boys' coats, capes, jackets, suits, blazers, trousers, shorts, shirts, underwear, nightwear and similar articles of textile fabrics, not knitted or crocheted (other than those of subgroup 845.2)
842|Women's or girls' coats, capes, jackets, suits, trousers, shorts, shirts, dresses and skirts, underwear, nightwear and similar articles of textile fabrics, not knitted or crocheted (other than those of subgroup 845.2)
844|Women's or girls' coats, capes, jackets, suits, trousers, shorts, shirts, dresses and skirts, underwear, nightwear and similar articles of textile fabrics, knitted or crocheted (other than those of subgroup 845.2)
845|Articles of apparel, of textile fabrics, whether or not knitted or crocheted, n.e.s.
846|Clothing accessories, of textile fabrics, whether or not knitted or crocheted (other than those for babies)
85|Footwear
851|Footwear
87|Professional, scientific and controlling instruments and apparatus, n.e.s.
871|Optical instruments and apparatus, n.e.s.
872|Instruments and appliances, n.e.s., for medical, surgical, dental or veterinary purposes
874|Measuring, checking, analysing and controlling instruments and apparatus, n.e.s.
88|Photographic apparatus, equipment and supplies and optical goods, n.e.s.; watches and clocks
881|Photographic apparatus and equipment, n.e.s.
884|Optical goods, n.e.s.
885|Watches and clocks
89|Miscellaneous manufactured articles, n.e.s.
892|Printed matter
893|Articles, n.e.s., of plastics
894|Baby carriages, toys, games and sporting goods
895|Office and stationery supplies, n.e.s.
897|Jewellery, goldsmiths' and silversmiths' wares, and other articles of precious or semiprecious materials, n.e.s.
898|Musical instruments and parts and accessories thereof; records, tapes and other sound or similar recordings (excluding goods of groups 763 and 883)
899|Miscellaneous manufactured articles, n.e.s.
9|Commodities and transactions not classified elsewhere in the SITC
97|Gold, non-monetary (excluding gold ores and concentrates)
971|Gold, non-monetary (excluding gold ores and concentrates)
"""

NAMES: dict[str, str] = dict(
    line.split("|", 1) for line in _NAMES.strip().splitlines() if line.strip()
)
