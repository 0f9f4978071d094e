DROP TABLE calendar_exports;
