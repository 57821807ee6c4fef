-- Seed: Korean public-procurement goods classification (조달청 물품분류번호),
-- i.e. the UNSPSC 8-digit tree segment (XX000000) > family (XXYY0000) >
-- class (XXYYZZ00) > commodity (XXYYZZWW), limited to what social-economy
-- enterprises typically sell to public agencies. name_en = UNSPSC English
-- title (UNSPSC v7.0901 wording; 50300000/50301500/50400000 are later-version
-- codes), name = Korean name. Parents are inserted before children and looked
-- up by code, so the file runs unchanged on PostgreSQL and SQLite.
-- Full list: migrations/CATEGORY_CODES.md


INSERT INTO categories (code, name, name_en, parent_id) VALUES ('10000000', '살아있는 동식물 및 관련 부속품·용품', 'Live Plant and Animal Material and Accessories and Supplies', NULL);
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('10160000', '화훼 및 조림용 식물', 'Floriculture and silviculture products', (SELECT id FROM categories WHERE code = '10000000'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('10161500', '수목 및 관목', 'Trees and shrubs', (SELECT id FROM categories WHERE code = '10160000'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('10161511', '소나무', 'Pine trees', (SELECT id FROM categories WHERE code = '10161500'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('10161600', '화초류', 'Floral plants', (SELECT id FROM categories WHERE code = '10160000'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('10161604', '철쭉류(아잘레아)', 'Azaleas plants', (SELECT id FROM categories WHERE code = '10161600'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('10161800', '관엽식물(비개화 식물)', 'Non flowering plants', (SELECT id FROM categories WHERE code = '10160000'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('10161801', '양치식물', 'Ferns', (SELECT id FROM categories WHERE code = '10161800'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('10170000', '비료, 식물영양제 및 제초제', 'Fertilizers and plant nutrients and herbicides', (SELECT id FROM categories WHERE code = '10000000'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('10171500', '유기질 비료 및 식물영양제', 'Organic fertilizers and plant nutrients', (SELECT id FROM categories WHERE code = '10170000'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('10171504', '퇴비', 'Compost', (SELECT id FROM categories WHERE code = '10171500'));

INSERT INTO categories (code, name, name_en, parent_id) VALUES ('44000000', '사무용 기기, 부속품 및 용품', 'Office Equipment and Accessories and Supplies', NULL);
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('44100000', '사무기기 및 관련 소모품·부속품', 'Office machines and their supplies and accessories', (SELECT id FROM categories WHERE code = '44000000'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('44103100', '프린터·팩스·복사기 소모품', 'Printer and facsimile and photocopier supplies', (SELECT id FROM categories WHERE code = '44100000'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('44103103', '토너', 'Toner', (SELECT id FROM categories WHERE code = '44103100'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('44103105', '잉크카트리지', 'Ink cartridges', (SELECT id FROM categories WHERE code = '44103100'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('44110000', '사무 및 책상용 액세서리', 'Office and desk accessories', (SELECT id FROM categories WHERE code = '44000000'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('44112000', '일정관리 용품', 'Planning systems', (SELECT id FROM categories WHERE code = '44110000'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('44112002', '달력', 'Calendars', (SELECT id FROM categories WHERE code = '44112000'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('44120000', '사무용품', 'Office supplies', (SELECT id FROM categories WHERE code = '44000000'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('44121500', '우편용품', 'Mailing supplies', (SELECT id FROM categories WHERE code = '44120000'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('44121506', '일반 봉투', 'Standard envelopes', (SELECT id FROM categories WHERE code = '44121500'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('44121600', '책상용품', 'Desk supplies', (SELECT id FROM categories WHERE code = '44120000'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('44121615', '스테이플러', 'Staplers', (SELECT id FROM categories WHERE code = '44121600'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('44121618', '가위', 'Scissors', (SELECT id FROM categories WHERE code = '44121600'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('44121700', '필기구', 'Writing instruments', (SELECT id FROM categories WHERE code = '44120000'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('44121704', '볼펜', 'Ball point pens', (SELECT id FROM categories WHERE code = '44121700'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('44121706', '연필', 'Wooden pencils', (SELECT id FROM categories WHERE code = '44121700'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('44121708', '마커펜', 'Markers', (SELECT id FROM categories WHERE code = '44121700'));

INSERT INTO categories (code, name, name_en, parent_id) VALUES ('47000000', '청소 장비 및 용품', 'Cleaning Equipment and Supplies', NULL);
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('47120000', '청소관리 장비', 'Janitorial equipment', (SELECT id FROM categories WHERE code = '47000000'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('47121700', '폐기물 용기 및 부속품', 'Waste containers and accessories', (SELECT id FROM categories WHERE code = '47120000'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('47121701', '쓰레기봉투', 'Trash bags', (SELECT id FROM categories WHERE code = '47121700'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('47121702', '쓰레기통 또는 내장용기', 'Waste containers or rigid liners', (SELECT id FROM categories WHERE code = '47121700'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('47130000', '청소용품', 'Cleaning and janitorial supplies', (SELECT id FROM categories WHERE code = '47000000'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('47131500', '걸레, 청소포 및 물티슈', 'Cleaning rags and cloths and wipes', (SELECT id FROM categories WHERE code = '47130000'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('47131502', '청소포 또는 물티슈', 'Cleaning cloths or wipes', (SELECT id FROM categories WHERE code = '47131500'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('47131600', '빗자루, 대걸레, 솔 및 부속품', 'Brooms and mops and brushes and accessories', (SELECT id FROM categories WHERE code = '47130000'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('47131604', '빗자루', 'Brooms', (SELECT id FROM categories WHERE code = '47131600'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('47131618', '물걸레(대걸레)', 'Wet mops', (SELECT id FROM categories WHERE code = '47131600'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('47131700', '화장실 용품', 'Restroom supplies', (SELECT id FROM categories WHERE code = '47130000'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('47131800', '세정제 및 소독제', 'Cleaning and disinfecting solutions', (SELECT id FROM categories WHERE code = '47130000'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('47131801', '바닥 세정제', 'Floor cleaners', (SELECT id FROM categories WHERE code = '47131800'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('47131803', '가정용 소독제', 'Household disinfectants', (SELECT id FROM categories WHERE code = '47131800'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('47131805', '다목적 세정제', 'General purpose cleaners', (SELECT id FROM categories WHERE code = '47131800'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('47131810', '주방세제(식기세척용품)', 'Dishwashing products', (SELECT id FROM categories WHERE code = '47131800'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('47131811', '세탁세제(세탁용품)', 'Laundry products', (SELECT id FROM categories WHERE code = '47131800'));

INSERT INTO categories (code, name, name_en, parent_id) VALUES ('49000000', '스포츠·레크리에이션 장비, 용품 및 부속품', 'Sports and Recreational Equipment and Supplies and Accessories', NULL);
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('49100000', '수집품 및 상패·포상품', 'Collectibles and awards', (SELECT id FROM categories WHERE code = '49000000'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('49101600', '수집품', 'Collectibles', (SELECT id FROM categories WHERE code = '49100000'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('49101602', '기념품', 'Souvenirs', (SELECT id FROM categories WHERE code = '49101600'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('49101609', '장식품', 'Ornaments or decorations', (SELECT id FROM categories WHERE code = '49101600'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('49101700', '포상품', 'Awards', (SELECT id FROM categories WHERE code = '49100000'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('49101701', '메달', 'Medals', (SELECT id FROM categories WHERE code = '49101700'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('49101702', '트로피', 'Trophies', (SELECT id FROM categories WHERE code = '49101700'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('49101704', '상패', 'Plaques', (SELECT id FROM categories WHERE code = '49101700'));

INSERT INTO categories (code, name, name_en, parent_id) VALUES ('50000000', '식품, 음료 및 담배제품', 'Food Beverage and Tobacco Products', NULL);
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('50170000', '조미료 및 보존료', 'Seasonings and preservatives', (SELECT id FROM categories WHERE code = '50000000'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('50171900', '절임식품(피클·렐리시·올리브)', 'Pickles and relish and olives', (SELECT id FROM categories WHERE code = '50170000'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('50171901', '절임채소(피클)', 'Pickles', (SELECT id FROM categories WHERE code = '50171900'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('50180000', '빵 및 제과제품', 'Bread and bakery products', (SELECT id FROM categories WHERE code = '50000000'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('50181900', '빵, 비스킷 및 쿠키', 'Bread and biscuits and cookies', (SELECT id FROM categories WHERE code = '50180000'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('50181901', '신선 빵', 'Fresh bread', (SELECT id FROM categories WHERE code = '50181900'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('50181905', '쿠키 및 단맛 비스킷', 'Sweet biscuits or cookies', (SELECT id FROM categories WHERE code = '50181900'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('50182000', '케이크, 파이 및 페이스트리', 'Cakes and pies and pastries', (SELECT id FROM categories WHERE code = '50180000'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('50182001', '신선 케이크·파이·페이스트리', 'Fresh cakes or pies or pastries', (SELECT id FROM categories WHERE code = '50182000'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('50190000', '조리 및 보존 식품', 'Prepared and preserved foods', (SELECT id FROM categories WHERE code = '50000000'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('50192400', '잼, 젤리, 견과·단맛 스프레드 및 과일 보존식품', 'Jams and jellies and nut and sweet spreads and fruit conserves', (SELECT id FROM categories WHERE code = '50190000'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('50192403', '꿀', 'Honey', (SELECT id FROM categories WHERE code = '50192400'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('50192700', '포장 조리식품(도시락류)', 'Packaged combination meals', (SELECT id FROM categories WHERE code = '50190000'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('50192701', '신선 조리식품(도시락)', 'Fresh combination meals', (SELECT id FROM categories WHERE code = '50192700'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('50200000', '음료', 'Beverages', (SELECT id FROM categories WHERE code = '50000000'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('50201700', '커피 및 차', 'Coffee and tea', (SELECT id FROM categories WHERE code = '50200000'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('50201706', '커피', 'Coffee', (SELECT id FROM categories WHERE code = '50201700'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('50201710', '잎차', 'Leaf tea', (SELECT id FROM categories WHERE code = '50201700'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('50201713', '티백', 'Tea bags', (SELECT id FROM categories WHERE code = '50201700'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('50202300', '비알코올 음료', 'Non alcoholic beverages', (SELECT id FROM categories WHERE code = '50200000'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('50202301', '먹는샘물(생수)', 'Water', (SELECT id FROM categories WHERE code = '50202300'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('50202304', '상온 유통 주스', 'Shelf stable juice', (SELECT id FROM categories WHERE code = '50202300'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('50220000', '곡물 및 두류 제품', 'Cereal and pulse products', (SELECT id FROM categories WHERE code = '50000000'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('50221100', '곡류', 'Cereals', (SELECT id FROM categories WHERE code = '50220000'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('50221101', '곡물(쌀·잡곡 등)', 'Cereal grains', (SELECT id FROM categories WHERE code = '50221100'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('50300000', '신선 과일', 'Fresh fruits', (SELECT id FROM categories WHERE code = '50000000'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('50301500', '사과', 'Apples', (SELECT id FROM categories WHERE code = '50300000'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('50400000', '신선 채소', 'Fresh vegetables', (SELECT id FROM categories WHERE code = '50000000'));

INSERT INTO categories (code, name, name_en, parent_id) VALUES ('53000000', '의류, 가방 및 개인관리용품', 'Apparel and Luggage and Personal Care Products', NULL);
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('53100000', '의류', 'Clothing', (SELECT id FROM categories WHERE code = '53000000'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('53101600', '셔츠 및 블라우스', 'Shirts and blouses', (SELECT id FROM categories WHERE code = '53100000'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('53101602', '남성용 셔츠', 'Mens shirts', (SELECT id FROM categories WHERE code = '53101600'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('53102100', '작업복(오버올 및 커버올)', 'Overalls and coveralls', (SELECT id FROM categories WHERE code = '53100000'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('53102102', '남성용 작업복(오버올·커버올)', 'Mens overalls or coveralls', (SELECT id FROM categories WHERE code = '53102100'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('53102700', '제복(유니폼)', 'Uniforms', (SELECT id FROM categories WHERE code = '53100000'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('53102704', '조리·급식용 위생복', 'Institutional food preparation or service attire', (SELECT id FROM categories WHERE code = '53102700'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('53102710', '기업 유니폼(근무복)', 'Corporate uniforms', (SELECT id FROM categories WHERE code = '53102700'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('53103000', '티셔츠', 'Tshirts', (SELECT id FROM categories WHERE code = '53100000'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('53103001', '남성용 티셔츠', 'Mens tshirts', (SELECT id FROM categories WHERE code = '53103000'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('53120000', '여행가방, 핸드백, 배낭 및 케이스', 'Luggage and handbags and packs and cases', (SELECT id FROM categories WHERE code = '53000000'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('53121600', '지갑, 핸드백 및 가방', 'Purses and handbags and bags', (SELECT id FROM categories WHERE code = '53120000'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('53121603', '배낭', 'Backpacks', (SELECT id FROM categories WHERE code = '53121600'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('53121608', '장바구니(쇼핑백)', 'Shopping bags', (SELECT id FROM categories WHERE code = '53121600'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('53130000', '개인관리용품', 'Personal care products', (SELECT id FROM categories WHERE code = '53000000'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('53131600', '목욕 및 바디용품', 'Bath and body', (SELECT id FROM categories WHERE code = '53130000'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('53131608', '비누', 'Soaps', (SELECT id FROM categories WHERE code = '53131600'));

INSERT INTO categories (code, name, name_en, parent_id) VALUES ('55000000', '출판물', 'Published Products', NULL);
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('55100000', '인쇄매체', 'Printed media', (SELECT id FROM categories WHERE code = '55000000'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('55101500', '인쇄 간행물', 'Printed publications', (SELECT id FROM categories WHERE code = '55100000'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('55101506', '잡지', 'Magazines', (SELECT id FROM categories WHERE code = '55101500'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('55101509', '교육용 또는 직업훈련용 교재', 'Educational or vocational textbooks', (SELECT id FROM categories WHERE code = '55101500'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('55101510', '교양·여가용 도서', 'Leisure reading books', (SELECT id FROM categories WHERE code = '55101500'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('55101515', '홍보물 또는 연차보고서', 'Promotional material or annual reports', (SELECT id FROM categories WHERE code = '55101500'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('55120000', '표지·표찰 및 부속품', 'Signage and accessories', (SELECT id FROM categories WHERE code = '55000000'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('55121600', '라벨', 'Labels', (SELECT id FROM categories WHERE code = '55120000'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('55121700', '표지판(사인물)', 'Signage', (SELECT id FROM categories WHERE code = '55120000'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('55121706', '현수막', 'Banners', (SELECT id FROM categories WHERE code = '55121700'));

INSERT INTO categories (code, name, name_en, parent_id) VALUES ('56000000', '가구 및 비품', 'Furniture and Furnishings', NULL);
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('56100000', '생활용 가구', 'Accommodation furniture', (SELECT id FROM categories WHERE code = '56000000'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('56101500', '가구', 'Furniture', (SELECT id FROM categories WHERE code = '56100000'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('56101504', '의자', 'Chairs', (SELECT id FROM categories WHERE code = '56101500'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('56101507', '책장', 'Bookcases', (SELECT id FROM categories WHERE code = '56101500'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('56101519', '탁자', 'Tables', (SELECT id FROM categories WHERE code = '56101500'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('56101700', '사무용 가구', 'Office furniture', (SELECT id FROM categories WHERE code = '56100000'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('56101703', '책상', 'Desks', (SELECT id FROM categories WHERE code = '56101700'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('56101706', '회의용 탁자', 'Conferencing tables', (SELECT id FROM categories WHERE code = '56101700'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('56110000', '상업용 및 산업용 가구', 'Commercial and industrial furniture', (SELECT id FROM categories WHERE code = '56000000'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('56112100', '좌석류', 'Seating', (SELECT id FROM categories WHERE code = '56110000'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('56112102', '업무용 의자', 'Task seating', (SELECT id FROM categories WHERE code = '56112100'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('56120000', '교실·교육용 및 기관용 가구·비품', 'Classroom and instructional and institutional furniture and fixtures', (SELECT id FROM categories WHERE code = '56000000'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('56121500', '일반 교실 가구', 'General classroom furnishings', (SELECT id FROM categories WHERE code = '56120000'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('56121502', '교실용 의자', 'Classroom chairs', (SELECT id FROM categories WHERE code = '56121500'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('56121506', '학생용 책상', 'Student desks', (SELECT id FROM categories WHERE code = '56121500'));

INSERT INTO categories (code, name, name_en, parent_id) VALUES ('70000000', '농업, 어업, 임업 및 야생동물 관련 용역', 'Farming and Fishing and Forestry and Wildlife Contracting Services', NULL);
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('70110000', '원예', 'Horticulture', (SELECT id FROM categories WHERE code = '70000000'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('70111500', '식물 및 관상수', 'Plants and ornamental trees', (SELECT id FROM categories WHERE code = '70110000'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('70111501', '관상식물·관목·수목 식재 서비스', 'Planting services or ornamental plant or bush or tree', (SELECT id FROM categories WHERE code = '70111500'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('70111600', '화훼식물', 'Flowering plants', (SELECT id FROM categories WHERE code = '70110000'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('70111603', '화훼 재배 서비스', 'Floriculture services', (SELECT id FROM categories WHERE code = '70111600'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('70111700', '공원, 정원 및 과수원', 'Parks and gardens and orchards', (SELECT id FROM categories WHERE code = '70110000'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('70111703', '정원 조성 또는 관리 서비스', 'Garden planting or maintenance services', (SELECT id FROM categories WHERE code = '70111700'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('70111706', '잔디 관리 서비스', 'Lawn care services', (SELECT id FROM categories WHERE code = '70111700'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('70111713', '공원 관리 또는 유지보수 서비스', 'Parks management or maintenance services', (SELECT id FROM categories WHERE code = '70111700'));

INSERT INTO categories (code, name, name_en, parent_id) VALUES ('76000000', '산업 청소 서비스', 'Industrial Cleaning Services', NULL);
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('76100000', '오염제거 서비스', 'Decontamination services', (SELECT id FROM categories WHERE code = '76000000'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('76101500', '소독', 'Disinfection', (SELECT id FROM categories WHERE code = '76100000'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('76101503', '소독 또는 탈취 서비스(방역)', 'Disinfection or deodorizing services', (SELECT id FROM categories WHERE code = '76101500'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('76110000', '청소 및 건물관리 서비스', 'Cleaning and janitorial services', (SELECT id FROM categories WHERE code = '76000000'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('76111500', '일반 건물 및 사무실 청소·관리 서비스', 'General building and office cleaning and maintenance services', (SELECT id FROM categories WHERE code = '76110000'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('76111501', '건물 청소 서비스', 'Building cleaning services', (SELECT id FROM categories WHERE code = '76111500'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('76111504', '유리창 또는 블라인드 청소 서비스', 'Window or window blind cleaning services', (SELECT id FROM categories WHERE code = '76111500'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('76111600', '건물 구성요소 청소 서비스', 'Building component cleaning services', (SELECT id FROM categories WHERE code = '76110000'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('76111602', '공기 덕트 청소', 'Air duct cleaning', (SELECT id FROM categories WHERE code = '76111600'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('76111604', '바닥 왁스 또는 카펫 청소', 'Floor waxing or carpet cleaning', (SELECT id FROM categories WHERE code = '76111600'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('76120000', '폐기물 처리', 'Refuse disposal and treatment', (SELECT id FROM categories WHERE code = '76000000'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('76121800', '폐기물 재처리', 'Refuse treatment', (SELECT id FROM categories WHERE code = '76120000'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('76121801', '재활용 서비스', 'Recycling services', (SELECT id FROM categories WHERE code = '76121800'));

INSERT INTO categories (code, name, name_en, parent_id) VALUES ('81000000', '엔지니어링, 연구 및 기술 기반 서비스', 'Engineering and Research and Technology Based Services', NULL);
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('81110000', '컴퓨터 서비스', 'Computer services', (SELECT id FROM categories WHERE code = '81000000'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('81111500', '소프트웨어 또는 하드웨어 엔지니어링', 'Software or hardware engineering', (SELECT id FROM categories WHERE code = '81110000'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('81111800', '시스템 관리 서비스', 'System administrators', (SELECT id FROM categories WHERE code = '81110000'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('81111811', '기술지원 또는 헬프데스크 서비스', 'Technical support or help desk services', (SELECT id FROM categories WHERE code = '81111800'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('81111812', '컴퓨터 하드웨어 유지보수 또는 지원', 'Computer hardware maintenance or support', (SELECT id FROM categories WHERE code = '81111800'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('81112000', '데이터 서비스', 'Data services', (SELECT id FROM categories WHERE code = '81110000'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('81112001', '온라인 데이터 처리', 'On line data processing', (SELECT id FROM categories WHERE code = '81112000'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('81112002', '데이터 처리 또는 준비 서비스', 'Data processing or preparation services', (SELECT id FROM categories WHERE code = '81112000'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('81112005', '문서 스캐닝 서비스', 'Document scanning service', (SELECT id FROM categories WHERE code = '81112000'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('81112100', '인터넷 서비스', 'Internet services', (SELECT id FROM categories WHERE code = '81110000'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('81112103', '웹사이트 디자인 서비스', 'World wide web WWW site design services', (SELECT id FROM categories WHERE code = '81112100'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('81112105', '웹사이트 운영 및 호스팅 서비스', 'World wide web WWW site operation host services', (SELECT id FROM categories WHERE code = '81112100'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('81112200', '소프트웨어 유지보수 및 지원', 'Software maintenance and support', (SELECT id FROM categories WHERE code = '81110000'));

INSERT INTO categories (code, name, name_en, parent_id) VALUES ('82000000', '편집, 디자인, 그래픽 및 미술 서비스', 'Editorial and Design and Graphic and Fine Art Services', NULL);
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('82110000', '저술 및 번역', 'Writing and translations', (SELECT id FROM categories WHERE code = '82000000'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('82111800', '편집 및 지원 서비스', 'Editorial and support services', (SELECT id FROM categories WHERE code = '82110000'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('82111804', '번역 서비스', 'Written translation services', (SELECT id FROM categories WHERE code = '82111800'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('82120000', '복제 서비스(인쇄·복사·출판)', 'Reproduction services', (SELECT id FROM categories WHERE code = '82000000'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('82121500', '인쇄', 'Printing', (SELECT id FROM categories WHERE code = '82120000'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('82121503', '디지털 인쇄', 'Digital printing', (SELECT id FROM categories WHERE code = '82121500'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('82121505', '홍보물 또는 광고물 인쇄', 'Promotional or advertising printing', (SELECT id FROM categories WHERE code = '82121500'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('82121506', '출판물 인쇄', 'Publication printing', (SELECT id FROM categories WHERE code = '82121500'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('82121507', '문구 또는 업무용 서식 인쇄', 'Stationery or business form printing', (SELECT id FROM categories WHERE code = '82121500'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('82121700', '복사', 'Photocopying', (SELECT id FROM categories WHERE code = '82120000'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('82121800', '출판', 'Publishing', (SELECT id FROM categories WHERE code = '82120000'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('82130000', '사진 서비스', 'Photographic services', (SELECT id FROM categories WHERE code = '82000000'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('82131600', '사진 및 영상 촬영', 'Photographers and cinematographers', (SELECT id FROM categories WHERE code = '82130000'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('82131603', '영상 제작 서비스', 'Video production services', (SELECT id FROM categories WHERE code = '82131600'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('82140000', '그래픽 디자인', 'Graphic design', (SELECT id FROM categories WHERE code = '82000000'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('82141500', '미술 디자인 서비스', 'Art design services', (SELECT id FROM categories WHERE code = '82140000'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('82141502', '미술 디자인 또는 그래픽', 'Art design or graphics', (SELECT id FROM categories WHERE code = '82141500'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('82141505', '컴퓨터 그래픽 디자인 서비스', 'Computer generated design services', (SELECT id FROM categories WHERE code = '82141500'));

INSERT INTO categories (code, name, name_en, parent_id) VALUES ('86000000', '교육 및 훈련 서비스', 'Education and Training Services', NULL);
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('86100000', '직업훈련', 'Vocational training', (SELECT id FROM categories WHERE code = '86000000'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('86101600', '과학 분야 직업훈련 서비스', 'Scientific vocational training services', (SELECT id FROM categories WHERE code = '86100000'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('86101601', '컴퓨터 직업훈련 서비스', 'Computer vocational training services', (SELECT id FROM categories WHERE code = '86101600'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('86101700', '비과학 분야 직업훈련 서비스', 'Non scientific vocational training services', (SELECT id FROM categories WHERE code = '86100000'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('86101709', '안전교육 서비스', 'Safety training services', (SELECT id FROM categories WHERE code = '86101700'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('86101712', '공예 직업훈련 서비스', 'Handcrafts vocational training services', (SELECT id FROM categories WHERE code = '86101700'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('86101800', '재직자 훈련 및 인력개발', 'In service training and manpower development', (SELECT id FROM categories WHERE code = '86100000'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('86101802', '재교육 또는 보수교육 서비스', 'Re training or refreshing training services', (SELECT id FROM categories WHERE code = '86101800'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('86101803', '직업재활 서비스', 'Vocational rehabilitation services', (SELECT id FROM categories WHERE code = '86101800'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('86110000', '대안 교육', 'Alternative educational systems', (SELECT id FROM categories WHERE code = '86000000'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('86111600', '성인교육', 'Adult education', (SELECT id FROM categories WHERE code = '86110000'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('86111604', '직원 교육', 'Employee education', (SELECT id FROM categories WHERE code = '86111600'));

INSERT INTO categories (code, name, name_en, parent_id) VALUES ('90000000', '여행, 음식, 숙박 및 오락 서비스', 'Travel and Food and Lodging and Entertainment Services', NULL);
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('90100000', '음식점 및 케이터링', 'Restaurants and catering', (SELECT id FROM categories WHERE code = '90000000'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('90101500', '식음료 업소', 'Eating and drinking establishments', (SELECT id FROM categories WHERE code = '90100000'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('90101501', '음식점', 'Restaurants', (SELECT id FROM categories WHERE code = '90101500'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('90101600', '연회 및 케이터링 서비스', 'Banquet and catering services', (SELECT id FROM categories WHERE code = '90100000'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('90101601', '연회 시설', 'Banquet facilities', (SELECT id FROM categories WHERE code = '90101600'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('90101603', '케이터링(단체급식) 서비스', 'Catering services', (SELECT id FROM categories WHERE code = '90101600'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('90101700', '구내식당 서비스', 'Cafeteria services', (SELECT id FROM categories WHERE code = '90100000'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('90101701', '구내식당 위탁운영', 'On site cafeteria management', (SELECT id FROM categories WHERE code = '90101700'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('90101800', '포장 및 테이크아웃 서비스', 'Carryout and takeaway services', (SELECT id FROM categories WHERE code = '90100000'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('90101801', '조리된 포장 식사', 'Professionally prepared carryout meals', (SELECT id FROM categories WHERE code = '90101800'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('90101802', '식사 배달 서비스', 'Delivered meals services', (SELECT id FROM categories WHERE code = '90101800'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('90110000', '호텔, 숙박 및 회의시설', 'Hotels and lodging and meeting facilities', (SELECT id FROM categories WHERE code = '90000000'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('90111600', '회의 시설', 'Meeting facilities', (SELECT id FROM categories WHERE code = '90110000'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('90111603', '회의실 또는 연회장', 'Meeting or banquet rooms', (SELECT id FROM categories WHERE code = '90111600'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('90120000', '여행 편의 서비스', 'Travel facilitation', (SELECT id FROM categories WHERE code = '90000000'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('90121500', '여행 알선', 'Travel agents', (SELECT id FROM categories WHERE code = '90120000'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('90121501', '여행 일정 기획 서비스', 'Tour arrangement services', (SELECT id FROM categories WHERE code = '90121500'));

INSERT INTO categories (code, name, name_en, parent_id) VALUES ('91000000', '개인 및 가사 서비스', 'Personal and Domestic Services', NULL);
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('91110000', '가사 및 개인 지원', 'Domestic and personal assistance', (SELECT id FROM categories WHERE code = '91000000'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('91111500', '세탁 서비스', 'Laundering services', (SELECT id FROM categories WHERE code = '91110000'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('91111502', '세탁소 서비스', 'Laundry services', (SELECT id FROM categories WHERE code = '91111500'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('91111900', '개인 돌봄 서비스', 'Personal care services', (SELECT id FROM categories WHERE code = '91110000'));
INSERT INTO categories (code, name, name_en, parent_id) VALUES ('91111903', '노인 주간보호 서비스', 'Elderly daycare services', (SELECT id FROM categories WHERE code = '91111900'));
